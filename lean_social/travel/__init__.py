"""Travel models: the planner only ever sees matrices, so a street graph can replace the default."""

from lean_social.travel.base import TravelMatrices, TravelModel
from lean_social.travel.geodesic import DEFAULT_SPEEDS, GeodesicTravel, ModeSpeed, haversine_m

__all__ = ["DEFAULT_SPEEDS", "GeodesicTravel", "ModeSpeed", "TravelMatrices", "TravelModel", "haversine_m"]
