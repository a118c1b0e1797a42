// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The references the report ends with, as the TSUBAME reports do: the
 * sources of its names and the methods it follows. Their numbers are
 * fixed (enum report_ref), so a note can cite one as "(1)".
 */
#include "report/sections/section.h"

static const struct {
	const char *title;
	const char *url;
} refs[REF_COUNT] = {
	[REF_IANA] = { "IANA, Service Name and Transport Protocol Port Number Registry",
		       "https://www.iana.org/assignments/service-names-port-numbers/" },
	[REF_MIRAI] = { "M. Antonakakis et al., Understanding the Mirai Botnet, USENIX Security 2017",
			"https://www.usenix.org/conference/usenixsecurity17/technical-sessions/presentation/antonakakis" },
	[REF_BACKSCATTER] = { "D. Moore et al., Inferring Internet Denial-of-Service Activity, "
			      "ACM Transactions on Computer Systems 24(2), 2006",
			      "https://www.caida.org/catalog/papers/2006_backscatter_dos/" },
	[REF_IODA] = { "IODA, Internet Outage Detection and Analysis",
		       "https://ioda.inetintel.cc.gatech.edu/" },
	/* the manual page the package installs: no address to give */
	[REF_MANUAL] = { "xdp-telescope(8), the report command: methods and thresholds", NULL },
};

void build_references(struct build *b)
{
	doc_heading(b->d, 2, "%d. %s", ++b->section, TR(b, "References", "参考文献"));
	for (int i = 0; i < REF_COUNT; i++)
		if (refs[i].url)
			doc_para_url(b->d, refs[i].url, "(%d) %s", i + 1, refs[i].title);
		else
			doc_para(b->d, "(%d) %s", i + 1, refs[i].title);
}
