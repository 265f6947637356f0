from fastapi import APIRouter

router = APIRouter(prefix="/staff/search", include_in_schema=False)
