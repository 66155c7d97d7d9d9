"""Reference solvers for the Solomon benchmark, each given the same integer instance as lean_social.

Routes come back as lists of customer numbers (1..n). Each runs on one core; the benchmark runs two of
them at a time, one per core.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import numpy as np

from lean_social.routing.solomon import read_solomon

Routes = list[list[int]]


def run_pyvrp(path: str, budget: float, seed: int = 0) -> tuple[Routes, float]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    inst = read_solomon(path).instance
    started = time.perf_counter()
    d: Any = np.ascontiguousarray(inst.duration[0])
    locations = [pyvrp.Location(0.0, float(i)) for i in range(inst.n_places)]
    clients = [
        pyvrp.Client(
            j.place, delivery=[j.demand], service_duration=j.service, tw_early=j.windows[0][0], tw_late=j.windows[0][1]
        )
        for j in inst.jobs
    ]
    v = inst.vehicles[0]
    data = pyvrp.ProblemData(
        locations,
        clients,
        [pyvrp.Depot(0, tw_early=v.shift_start, tw_late=v.shift_end)],
        [pyvrp.VehicleType(len(inst.vehicles), capacity=[v.capacity], tw_early=v.shift_start, tw_late=v.shift_end)],
        [d],
        [d],
    )
    result = pyvrp.solve(data, MaxRuntime(budget), seed=seed, collect_stats=False, display=False)
    routes = [[a.idx + 1 for a in route if a.is_client()] for route in result.best.routes()]
    return routes, time.perf_counter() - started


def run_vroom(path: str, budget: float) -> tuple[Routes, float]:
    import vroom

    inst = read_solomon(path).instance
    started = time.perf_counter()
    problem = vroom.Input()
    matrix = inst.duration[0]
    problem.set_durations_matrix("car", matrix)
    problem.set_costs_matrix("car", matrix)
    v = inst.vehicles[0]
    for k in range(len(inst.vehicles)):
        problem.add_vehicle(
            vroom.Vehicle(
                k + 1, start=0, end=0, capacity=[v.capacity], time_window=vroom.TimeWindow(v.shift_start, v.shift_end)
            )
        )
    for j, job in enumerate(inst.jobs):
        problem.add_job(
            vroom.Job(
                j + 1,
                location=job.place,
                default_service=job.service,
                delivery=[job.demand],
                time_windows=[vroom.TimeWindow(*job.windows[0])],
            )
        )
    solution = problem.solve(exploration_level=5, nb_threads=1, timeout=dt.timedelta(seconds=budget))
    routes: dict[int, list[int]] = {}
    for row in solution.routes.itertuples():
        if row.type == "job":
            routes.setdefault(int(row.vehicle_id), []).append(int(row.id))
    return list(routes.values()), time.perf_counter() - started


def run_plain_ortools(path: str, budget: float) -> tuple[Routes, float]:
    """The OR-Tools VRPTW sample as most users write it: PATH_CHEAPEST_ARC then guided local search,
    customers droppable at a large penalty."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    inst = read_solomon(path).instance
    started = time.perf_counter()
    n = inst.n_places
    v = inst.vehicles[0]
    manager = pywrapcp.RoutingIndexManager(n, len(inst.vehicles), 0)
    routing = pywrapcp.RoutingModel(manager)
    dist = inst.duration[0]
    service = np.zeros(n, dtype=np.int64)
    for job in inst.jobs:
        service[job.place] = job.service
    cost = routing.RegisterTransitMatrix(dist.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost)
    transit = routing.RegisterTransitMatrix((dist + service[:, None]).tolist())
    routing.AddDimension(transit, v.shift_end, v.shift_end, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for job in inst.jobs:
        index = manager.NodeToIndex(job.place)
        time_dim.CumulVar(index).SetRange(*job.windows[0])
        # Without a way to drop a customer, PATH_CHEAPEST_ARC finds no first solution at all on tight
        # windows (R101, RC105); the OR-Tools guide's remedy is a disjunction with a large penalty.
        routing.AddDisjunction([index], 10**7)
    for k in range(len(inst.vehicles)):
        time_dim.CumulVar(routing.Start(k)).SetRange(v.shift_start, v.shift_end)
    demand = routing.RegisterUnaryTransitVector([0] + [job.demand for job in inst.jobs])
    routing.AddDimensionWithVehicleCapacity(demand, 0, [v.capacity] * len(inst.vehicles), True, "Load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(budget * 1000))
    solution = routing.SolveWithParameters(params)
    routes: Routes = []
    if solution is not None:
        for k in range(len(inst.vehicles)):
            index = solution.Value(routing.NextVar(routing.Start(k)))
            route = []
            while not routing.IsEnd(index):
                route.append(manager.IndexToNode(index))
                index = solution.Value(routing.NextVar(index))
            routes.append(route)
    return routes, time.perf_counter() - started


PEERS = {"pyvrp": run_pyvrp, "vroom": run_vroom, "ortools": run_plain_ortools}
