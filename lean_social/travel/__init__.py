"""Travel models: the planner only ever sees matrices, so a street graph can replace the default."""

from lean_social.travel.base import TravelMatrices, TravelModel
from lean_social.travel.geodesic import DEFAULT_SPEEDS, GeodesicTravel, ModeSpeed, haversine_m
from lean_social.travel.streets import StreetSnapError, StreetTravel

__all__ = [
    "DEFAULT_SPEEDS",
    "GeodesicTravel",
    "ModeSpeed",
    "StreetSnapError",
    "StreetTravel",
    "TravelMatrices",
    "TravelModel",
    "haversine_m",
]
