#!/bin/sh
# Build agentcheck-hook-env.tar.gz, a pre-receive hook environment for
# GitHub Enterprise Server (see Dockerfile), from the root of the agentcheck
# repository:
#
#   examples/hooks/ghes/build-env.sh
#
# Then, on the appliance (administrative shell):
#
#   ghe-hook-env-create agentcheck /home/admin/agentcheck-hook-env.tar.gz
#
# or upload it in the site admin dashboard: Hooks > Manage environments >
# Add environment (a URL to the tarball).
set -eu
docker build --platform linux/amd64 -f examples/hooks/ghes/Dockerfile -t agentcheck-hook-env .
id=$(docker create --platform linux/amd64 agentcheck-hook-env /bin/true)
trap 'docker rm "$id" > /dev/null' EXIT
docker export "$id" | gzip -9 > agentcheck-hook-env.tar.gz
echo "wrote agentcheck-hook-env.tar.gz" >&2
