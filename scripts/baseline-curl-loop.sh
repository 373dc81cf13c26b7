#!/usr/bin/env bash
# The baseline the benchmark compares the action with: the loop a user writes without it.
# Create a backup with curl, then ask for its job every 5 s (like `zilliz job describe --wait`)
# until it is SUCCESSFUL or FAILED. Only bash and curl; no retries, no timeout, no masking.
#   BASE_URL=https://api.cloud.zilliz.com API_KEY=... CLUSTER_ID=in01-... scripts/baseline-curl-loop.sh
set -euo pipefail
: "${BASE_URL:?set BASE_URL}" "${API_KEY:?set API_KEY}" "${CLUSTER_ID:?set CLUSTER_ID}"

reply="$(curl -sS -X POST "$BASE_URL/v2/clusters/$CLUSTER_ID/backups/create" \
  -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
  -d '{"backupType":"CLUSTER"}')"
if [[ ! $reply =~ \"jobId\"[[:space:]]*:[[:space:]]*\"([^\"]+)\" ]]; then
  echo "create failed: $reply" >&2
  exit 1
fi
job="${BASH_REMATCH[1]}"
echo "backup job $job started"

while true; do
  reply="$(curl -sS "$BASE_URL/v2/jobs/$job" -H "Authorization: Bearer $API_KEY")"
  status=unknown
  if [[ $reply =~ \"status\"[[:space:]]*:[[:space:]]*\"([A-Z_]+)\" ]]; then
    status="${BASH_REMATCH[1]}"
  fi
  echo "job $job: $status"
  case "$status" in
    SUCCESSFUL) exit 0 ;;
    FAILED) exit 1 ;;
  esac
  sleep 5
done
