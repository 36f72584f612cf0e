#!/bin/sh
# agentcheck's server-side gate for GitHub Enterprise Server.
#
# Commit this script to the repository that holds your pre-receive hooks
# (e.g. acme/pre-receive-hooks, default branch), executable:
#
#   git update-index --chmod=+x pre-receive.sh
#
# It runs in the "agentcheck" hook environment built by build-env.sh, a
# chroot with busybox and a static agentcheck at /usr/local/bin. GHES's
# default environment has no git, and agentcheck needs none: it reads the
# quarantined objects, packs and the fork network's alternates itself.
#
# The policy and trusted keys come from the repository (the pushed ref's
# tip before the push, else the default branch). To pin them for every
# repository instead, bake them into the environment (see the Dockerfile) and
# add: --policy /etc/agentcheck/policy.yml --allowed-signers /etc/agentcheck/allowed_signers
#
# GHES gives a hook five seconds; agentcheck decides within 4.5 (--timeout)
# and rejects a push it could not check in time (--on-timeout).
exec /usr/local/bin/agentcheck pre-receive --platform github
