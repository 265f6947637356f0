from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from eucentre import errors
from eucentre.auth.access import ALL_STAFF, allow
from eucentre.auth.principals import Principal, PrincipalKind

router = APIRouter(prefix="/api/v1", tags=["identity"], responses=errors.responses(*errors.ACCESS))


class WhoAmI(BaseModel):
    kind: str
    organisation_id: int | None
    scopes: list[str]
    role: str | None


@router.get("/whoami", response_model=WhoAmI)
def whoami(
    principal: Principal = Depends(
        allow(
            roles=ALL_STAFF,
            organisations={
                PrincipalKind.provider,
                PrincipalKind.authority,
                PrincipalKind.coordinator,
            },
        )
    ),
) -> WhoAmI:
    """Who the presented key or session is: lets an integration check its key."""
    return WhoAmI(
        kind=principal.kind.value,
        organisation_id=principal.organisation_id,
        scopes=sorted(principal.scopes),
        role=principal.role.value if principal.role else None,
    )
