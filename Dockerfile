# The agentcheck container image, for the pre-receive gate and for CI: the
# two static binaries of a release on an empty base, run as a non-root user.
#
# GoReleaser builds it from the binaries it has built (dockers_v2 in
# .goreleaser.yaml): the build context holds linux/amd64/agentcheck,
# linux/arm64/agentcheck and so on, and nothing is compiled here.
#
# Nothing else is in the image: no shell, no git (agentcheck reads the
# repository's objects itself; the pre-receive gate needs no git), no CA
# certificates (verify and pre-receive make no network requests; agentcheck
# github, which calls GitHub's API, is for the GitHub Action, which runs a
# release binary instead).
#
#   docker run --rm -v "$PWD:/repo" -w /repo ghcr.io/agentcheck/agentcheck verify origin/main..HEAD
#   COPY --from=ghcr.io/agentcheck/agentcheck:v1.2.0 /usr/local/bin/agentcheck /usr/local/bin/
FROM scratch

ARG TARGETPLATFORM

COPY $TARGETPLATFORM/agentcheck $TARGETPLATFORM/agentcheck-hook /usr/local/bin/

# The distroless images' "nonroot" user and group; the image has no
# /etc/passwd, so the numeric ids.
USER 65532:65532

ENTRYPOINT ["/usr/local/bin/agentcheck"]
CMD ["version"]
