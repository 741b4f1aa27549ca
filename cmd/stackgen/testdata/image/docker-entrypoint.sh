#!/bin/sh
# The end-to-end test image's stand-in for the official redis image's entrypoint, with the same
# contract on busybox: a first argument starting with "-" gets redis-server prepended; when the first
# argument is exactly redis-server and we run as root, fix the owner of the working directory (/data)
# and re-run as user redis; then umask 0077 and exec.
set -e
if [ "${1#-}" != "$1" ]; then
	set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec su -s /bin/sh -c 'exec "$0" "$@"' -- redis /usr/local/bin/docker-entrypoint.sh "$@"
fi
umask 0077
exec "$@"
