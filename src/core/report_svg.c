/* report_svg.c - the report's charts: inline SVG line charts of
 * incident series (sw_series.h points, max or mean per point) on the
 * recording's time axis, with the audit log's actions as vertical marks.
 * Text escaped with sw_html_esc. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report_svg.h"

#define SW_SVG_W 960
#define SW_SVG_H 260
#define SW_SVG_ML 64
#define SW_SVG_MR 16
#define SW_SVG_MT 16
#define SW_SVG_MB 34

static const char *const sw_svg_palette[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
	"#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
};
#define SW_SVG_NPAL (sizeof(sw_svg_palette) / sizeof(sw_svg_palette[0]))

const char *sw_svg_color(unsigned i)
{
	return sw_svg_palette[i % SW_SVG_NPAL];
}

void sw_html_esc(struct sw_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char c = *p;
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
			   : (c & 0xf8) == 0xf0 ? 4 : 0;
		size_t i;

		switch (c) {
		case '&': sw_buf_puts(b, "&amp;"); p++; continue;
		case '<': sw_buf_puts(b, "&lt;"); p++; continue;
		case '>': sw_buf_puts(b, "&gt;"); p++; continue;
		case '"': sw_buf_puts(b, "&quot;"); p++; continue;
		case '\'': sw_buf_puts(b, "&#39;"); p++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			sw_buf_puts(b, " ");
			p++;
			continue;
		}
		for (i = 1; n > 1 && i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				n = 0;
		if (!n) { /* not UTF-8: the replacement character */
			sw_buf_puts(b, "&#xfffd;");
			p++;
			continue;
		}
		sw_buf_add(b, (const char *)p, n);
		p += n;
	}
}

/* A round top for the scale: 1, 2 or 5 times a power of ten. */
static double sw_svg_nice(double v)
{
	double e, f;

	if (!(v > 0))
		return 1;
	e = pow(10, floor(log10(v)));
	f = v / e;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * e;
}

static double sw_svg_x(const struct sw_incident *inc, uint64_t t)
{
	double pw = SW_SVG_W - SW_SVG_ML - SW_SVG_MR;
	double span = (double)(inc->last_ns - inc->first_ns);

	if (inc->last_ns <= inc->first_ns)
		return SW_SVG_ML + pw;
	if (t < inc->first_ns)
		t = inc->first_ns;
	if (t > inc->last_ns)
		t = inc->last_ns;
	return SW_SVG_ML + pw * (double)(t - inc->first_ns) / span;
}

static float sw_svg_val(const struct sw_incident *inc, int s, uint32_t i,
			bool mean)
{
	return mean ? sw_sset_mean(&inc->ss, s, i) : sw_sset_max(&inc->ss, s, i);
}

/* The action's colour and letter on the charts. */
static void sw_svg_action(const char *action, const char **color, char *letter)
{
	static const struct {
		const char *action, *color;
		char letter;
	} tab[] = {
		{ "block", "#c00000", 'B' }, { "unblock", "#008000", 'U' },
		{ "unblock-all", "#008000", 'U' }, { "expire", "#5a8f29", 'E' },
		{ "kill", "#e07000", 'K' }, { "refuse", "#777777", 'X' },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(tab[i].action, action)) {
			*color = tab[i].color;
			*letter = tab[i].letter;
			return;
		}
	*color = "#7030a0";
	*letter = 'A';
}

void sw_svg_marks(struct sw_buf *b, const struct sw_incident *inc)
{
	size_t k;

	for (k = 0; k < inc->nevents; k++) {
		const struct sw_audit_event *e = &inc->events[k];
		const char *color;
		char letter, when[16];
		double x;

		if (!sw_incident_in_time(inc, e))
			continue;
		sw_svg_action(e->action, &color, &letter);
		if (e->rule[0] && letter == 'B')
			letter = 'R'; /* a rule's ban */
		x = sw_svg_x(inc, e->time_ns);
		sw_buf_printf(b, "<g class=\"mark\"><title>%s ",
			      sw_report_clock(e->time_ns, when, sizeof(when)));
		sw_html_esc(b, e->action);
		sw_buf_puts(b, " ");
		sw_html_esc(b, e->target);
		if (e->outcome[0]) {
			sw_buf_puts(b, " (");
			sw_html_esc(b, e->outcome);
			sw_buf_puts(b, ")");
		}
		if (e->user[0]) {
			sw_buf_puts(b, " by ");
			sw_html_esc(b, e->rule[0] ? e->rule : e->user);
		}
		if (e->reason[0]) {
			sw_buf_puts(b, ": ");
			sw_html_esc(b, e->reason);
		}
		sw_buf_printf(b, "</title><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
			      "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>"
			      "<text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"11\" "
			      "text-anchor=\"middle\">%c</text></g>\n",
			      x, SW_SVG_MT, x, SW_SVG_H - SW_SVG_MB, color, x,
			      SW_SVG_MT - 3, color, letter);
	}
}

/* The axes: the scale on the left, times under the plot. */
static void sw_svg_axes(struct sw_buf *b, const struct sw_incident *inc,
			double top)
{
	int ph = SW_SVG_H - SW_SVG_MT - SW_SVG_MB, i;
	char lab[32], when[16];

	for (i = 0; i <= 4; i++) {
		double y = SW_SVG_MT + ph - ph * i / 4.0;

		sw_buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			      "stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
			      "text-anchor=\"end\" fill=\"#444\">%s</text>\n",
			      SW_SVG_ML, y, SW_SVG_W - SW_SVG_MR, y, SW_SVG_ML - 6, y + 4,
			      top < 10 ? (snprintf(lab, sizeof(lab), "%g", top * i / 4), lab)
				       : sw_report_thousands(top * i / 4, lab, sizeof(lab)));
	}
	for (i = 0; i <= 5 && inc->frames; i++) {
		uint64_t t = inc->first_ns + (inc->last_ns - inc->first_ns) / 5 * (uint64_t)i;
		double x = sw_svg_x(inc, t);

		sw_buf_printf(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
			      "text-anchor=\"%s\" fill=\"#444\">%s</text>\n", x,
			      SW_SVG_H - SW_SVG_MB + 16,
			      i == 0 ? "start" : i == 5 ? "end" : "middle",
			      sw_report_clock(t, when, sizeof(when)));
	}
	sw_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		      "fill=\"none\" stroke=\"#999\"/>\n", SW_SVG_ML, SW_SVG_MT,
		      SW_SVG_W - SW_SVG_ML - SW_SVG_MR, ph);
}

void sw_svg_chart(struct sw_buf *b, const struct sw_incident *inc,
		  const char *id, const char *label,
		  const struct sw_svg_line *lines, unsigned n)
{
	int ph = SW_SVG_H - SW_SVG_MT - SW_SVG_MB;
	double max = 0, top;
	unsigned l;
	uint32_t i;

	for (l = 0; l < n; l++)
		for (i = 0; i < inc->ss.n; i++) {
			float v = sw_svg_val(inc, lines[l].series, i, lines[l].mean);

			if (v > max)
				max = v;
		}
	top = sw_svg_nice(max);
	sw_buf_printf(b, "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		      "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
		      "aria-label=\"", id, SW_SVG_W, SW_SVG_H, SW_SVG_W, SW_SVG_H);
	sw_html_esc(b, label);
	sw_buf_puts(b, "\">\n");
	sw_svg_axes(b, inc, top);
	for (l = 0; l < n; l++) {
		bool open = false;

		for (i = 0; i < inc->ss.n; i++) {
			float v = sw_svg_val(inc, lines[l].series, i, lines[l].mean);
			uint64_t t = inc->ss.t0[i] / 2 + inc->ss.t1[i] / 2;

			if (isnan(v)) {
				if (open)
					sw_buf_puts(b, "\"/>\n");
				open = false;
				continue;
			}
			if (!open)
				sw_buf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" "
					      "stroke-width=\"1.6\" points=\"",
					      sw_svg_color(l));
			sw_buf_printf(b, "%s%.1f,%.1f", open ? " " : "", sw_svg_x(inc, t),
				      SW_SVG_MT + ph - ph * (double)v / top);
			open = true;
		}
		if (open)
			sw_buf_puts(b, "\"/>\n");
	}
	if (!inc->frames)
		sw_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"14\" "
			      "text-anchor=\"middle\" fill=\"#777\">no data</text>\n",
			      SW_SVG_W / 2, SW_SVG_H / 2);
	sw_svg_marks(b, inc);
	sw_buf_puts(b, "</svg>\n<ul class=\"legend\">");
	for (l = 0; l < n; l++) {
		sw_buf_printf(b, "<li><span style=\"background:%s\"></span>", sw_svg_color(l));
		sw_html_esc(b, lines[l].name);
		sw_buf_puts(b, "</li>");
	}
	sw_buf_puts(b, "</ul>\n");
}
