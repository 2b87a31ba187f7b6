# Starts and stops a throwaway PostgreSQL cluster on a free loopback port.
# Source it, call start_postgres, and POSCAKE_TEST_POSTGRES_URL names the server.

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ]; then
        echo "PostgreSQL is not installed; installing it" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$dir"
}

start_postgres() {
    local bin port
    bin=$(pg_bin)
    PG_DIR=$(mktemp -d)
    # PostgreSQL refuses to run as root, so the cluster belongs to the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" --auth=trust -U postgres >/dev/null
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=200 -c fsync=off" start >/dev/null
    PG_BIN_DIR=$bin
    POSCAKE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL is running at $POSCAKE_TEST_POSTGRES_URL"
}

stop_postgres() {
    if [ -n "${PG_DIR:-}" ]; then
        runuser -u postgres -- "$PG_BIN_DIR/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null || true
        rm -rf "$PG_DIR"
    fi
}
