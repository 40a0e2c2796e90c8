/* SPDX-License-Identifier: Apache-2.0 */
/* The library's version at run time (the header's is CLASP_VERSION_STRING). */
#include <clasp/clasp.h>

const char *clasp_version(void) { return CLASP_VERSION_STRING; }
