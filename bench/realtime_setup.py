"""Database and people for `python -m bench.realtime`: a fresh PostgreSQL database, bulk-loaded workers with tokens.

Bulk inserts (not the signup services) because 5,000 sign-ups one by one would take minutes; the rows are made
the way the services make them (H3 cells refreshed, token keys stored only as their SHA-256).
"""

from __future__ import annotations

import math
import os
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

import psycopg

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "zero_gig_rt_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
# Its own Redis database (CI uses /5, the API benchmark /11) and a per-run channel prefix.
REDIS_URL = "redis://127.0.0.1:6379/12"
SEED = 20250301
WANGYI = (35.0690, 109.0756)
YIJUN = (35.3986, 109.1169)
# Trades the benchmark posts gigs in (all paid by the day); idle workers get every other trade.
TARGET_TRADES = ("labourer", "bricklayer", "carpenter", "rebar", "scaffolder", "welder", "painter", "waterproofer",
                 "plumber_electrician", "electrician", "plasterer", "nanny", "loader", "cook", "security_guard")


@dataclass
class Group:
    """Workers of one trade living within ~1 km of one site: exactly the first wave of a gig posted there."""

    trade: str
    lat: float
    lng: float
    user_ids: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)


@dataclass
class Population:
    employer_key: str
    groups: list[Group]
    idle_ids: list[int]
    idle_keys: list[str]
    big: Group | None = None  # one large group, for a gig whose first wave is big


def configure_environment(prefix: str) -> None:
    """Point this process's Django at the benchmark database and Redis before django.setup()."""
    os.environ.update({"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "CHANNEL_PREFIX": prefix,
                       "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "zero_gig.settings")})
    os.environ.setdefault("DEBUG", "1")


def recreate_database() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def migrate() -> float:
    import django
    from django.core.management import call_command

    started = time.perf_counter()
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - started


def _offset(rng: random.Random, lat: float, lng: float, km: float) -> tuple[float, float]:
    """A point uniformly inside a disc of `km` around (lat, lng)."""
    radius, angle = km * rng.random() ** 0.5, rng.uniform(0, 2 * math.pi)
    lng_km = 111.0 * math.cos(math.radians(lat))
    return lat + radius * math.cos(angle) / 111.0, lng + radius * math.sin(angle) / lng_km


def bulk_workers(specs: list[tuple[float, float, int]], first_phone: int) -> tuple[list[int], list[str]]:
    """Users, worker profiles, one trade each and a live API token each; returns user ids and token keys."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import ApiToken, Role, User
    from accounts.selectors import hash_token_key
    from workers.models import WorkerProfile, WorkerTrade

    now = timezone.now()
    expires = now + timedelta(days=getattr(settings, "API_TOKEN_TTL_DAYS", 30))
    keys = [secrets.token_urlsafe(32) for _ in specs]
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(phone=f"15{first_phone + i:09d}", name=f"基准工人{first_phone + i}", role=Role.WORKER,
                  password="!bench-no-password") for i in range(len(specs))], batch_size=2000)
        profiles = []
        for user, (lat, lng, _trade) in zip(users, specs, strict=True):
            profile = WorkerProfile(user=user, display_name=user.name, latitude=lat, longitude=lng)
            profile.refresh_cells()
            profiles.append(profile)
        profiles = WorkerProfile.objects.bulk_create(profiles, batch_size=2000)
        WorkerTrade.objects.bulk_create([WorkerTrade(worker=p, category_id=trade, years_experience=i % 11)
                                         for i, (p, (_lat, _lng, trade)) in enumerate(zip(profiles, specs,
                                                                                          strict=True))],
                                        batch_size=2000)
        ApiToken.objects.bulk_create([ApiToken(user=u, key_hash=hash_token_key(k), name="bench", created_at=now,
                                               expires_at=expires) for u, k in zip(users, keys, strict=True)],
                                     batch_size=2000)
    return [u.pk for u in users], keys


def populate(groups: int, fanout: int, idle: int, big: int = 0) -> Population:
    """A center, the taxonomy, wage floors, a verified employer, `groups` × `fanout` targeted workers, one group of
    `big` workers (at the centre of the ring of sites, in a trade of its own) and `idle` idle workers.

    No idle worker can be offered any gig the benchmark posts: wrong trade, or too far away."""
    from django.db import connection

    from accounts.services import issue_api_token
    from centers.models import ServiceCenter
    from jobs.models import Category
    from jobs.services import load_wage_floors, register_employer, sync_taxonomy

    rng = random.Random(SEED)
    sync_taxonomy()
    load_wage_floors()
    ServiceCenter.objects.create(name="铜川市零工服务中心（实时基准）", level="city", region_code="610202",
                                 latitude=WANGYI[0], longitude=WANGYI[1])
    employer = register_employer(phone="18900000001", name="实时基准雇主", contact_name="王经理")
    employer.verification_status = "verified"
    employer.save(update_fields=["verification_status"])
    employer_key = issue_api_token(employer.owner, name="bench")[1]

    trades = dict(Category.objects.filter(parent__isnull=False).values_list("code", "pk"))
    if groups + 1 > len(TARGET_TRADES):
        raise ValueError(f"at most {len(TARGET_TRADES) - 1} groups (one trade each)")
    idle_trades = [pk for code, pk in trades.items() if code not in TARGET_TRADES]
    # Sites on a ring 4 km around 王益区, so every group is in the city and the sites are kilometres apart.
    sites = [(WANGYI[0] + 4 * math.cos(2 * math.pi * g / groups) / 111.0,
              WANGYI[1] + 4 * math.sin(2 * math.pi * g / groups) / 91.0) for g in range(groups)]
    population = Population(employer_key, [], [], [])
    specs = []
    for g, (lat, lng) in enumerate(sites):
        population.groups.append(Group(TARGET_TRADES[g], lat, lng))
        specs += [(*_offset(rng, lat, lng, 1.0), trades[TARGET_TRADES[g]]) for _ in range(fanout)]
    if big:
        population.big = Group(TARGET_TRADES[groups], *WANGYI)
        specs += [(*_offset(rng, *WANGYI, 1.0), trades[TARGET_TRADES[groups]]) for _ in range(big)]
    ids, keys = bulk_workers(specs, first_phone=0)
    for g, group in enumerate(population.groups):
        group.user_ids, group.keys = ids[g * fanout:(g + 1) * fanout], keys[g * fanout:(g + 1) * fanout]
    if big:
        population.big.user_ids, population.big.keys = ids[groups * fanout:], keys[groups * fanout:]
    # Half the idle live around the sites in other trades (the candidate query reads past them); half have the
    # posted trades but live in 宜君县, ~35 km north, beyond every wave's reach (the trade-wide reads see them).
    posted = [trades[code] for code in TARGET_TRADES[:groups + (1 if big else 0)]]
    idle_specs = [(*_offset(rng, *sites[i % groups], 6.0), rng.choice(idle_trades)) if i % 2 == 0
                  else (*_offset(rng, *YIJUN, 5.0), posted[(i // 2) % len(posted)]) for i in range(idle)]
    population.idle_ids, population.idle_keys = bulk_workers(idle_specs, first_phone=len(specs))
    connection.close()
    return population
