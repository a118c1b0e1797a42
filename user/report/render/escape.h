/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Text into markup. */
#ifndef TS_ESCAPE_H
#define TS_ESCAPE_H

#include <stdio.h>

/* Text for HTML and SVG, attributes included: & < > " escaped. */
void html_escape(FILE *f, const char *s);

#endif
