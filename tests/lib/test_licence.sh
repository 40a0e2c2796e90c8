#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The project is Apache-2.0: LICENSE holds the licence text, and every source
# file, script and build file names it in an SPDX line near its top (files of
# others, the Wycheproof vectors and the fuzz corpora, keep their own terms).
set -uo pipefail
root=${1:?usage: test_licence.sh SOURCE_DIR}
cd "$root" || exit 1
status=0
if ! grep -q "Apache License" LICENSE 2>/dev/null || ! grep -q "Version 2.0, January 2004" LICENSE; then
  echo "FAIL: LICENSE does not hold the Apache License 2.0 text"
  status=1
fi
missing=0
while IFS= read -r -d '' f; do
  if ! head -3 "$f" | grep -q "SPDX-License-Identifier: Apache-2.0"; then
    echo "FAIL: $f has no 'SPDX-License-Identifier: Apache-2.0' line in its first three lines"
    missing=$((missing + 1))
  fi
done < <(find include src tools tests fuzz bench scripts cmake examples .ci CMakeLists.txt \
           -path tests/data -prune -o -path fuzz/corpus -prune -o -path fuzz/regressions -prune -o \
           -type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' -o -name '*.map' -o -name '*.cmake' \
                      -o -name CMakeLists.txt -o -path .ci/run \) -print0)
((missing)) && status=1
if ((status == 0)); then
  echo "ok: LICENSE is Apache-2.0 and every source file carries its SPDX line"
fi
exit $status
