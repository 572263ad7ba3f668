"""`python -m zero_gig.serve`: serve HTTP and WebSockets with uvicorn, as `make run` does."""

import argparse

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="ASGI processes (use REDIS_URL when more than 1)")
    args = parser.parse_args()
    uvicorn.run("zero_gig.asgi:application", host=args.host, port=args.port, workers=args.workers,
                lifespan="off", ws_max_size=64 * 1024, log_level="info")


if __name__ == "__main__":
    main()
