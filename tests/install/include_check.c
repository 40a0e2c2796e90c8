/* SPDX-License-Identifier: Apache-2.0 */
/* Compiled with a consumer's include path: <clasp/clasp.h> is there, and
 * clasp's internal headers (src/) are not. */
#include <clasp/clasp.h>

#if defined(__has_include)
#if __has_include("core/conn.h") || __has_include("base/bytes.h") || __has_include("x509/pem.h")
#error "clasp's src/ is on the consumer's include path: only include/ may be"
#endif
#endif

#if !defined(CLASP_VERSION_STRING) || !defined(CLASP_VERSION_MAJOR)
#error "<clasp/clasp.h> does not define the CLASP_VERSION_* macros"
#endif

int include_check(void);
int include_check(void) { return CLASP_VERSION_MAJOR; }
