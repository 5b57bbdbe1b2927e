/* report_svg.h - the report's HTML pieces shared by report_html.c and
 * report_svg.c (private to src/core). */
#ifndef SW_REPORT_SVG_H
#define SW_REPORT_SVG_H

#include <stdbool.h>

#include "sw_buf.h"
#include "sw_incident.h"

/* One line of a chart: a series of the incident, its max or its mean per
 * point, and its name in the legend. */
struct sw_svg_line {
	int series;
	bool mean;
	const char *name;
};

/* s as HTML text or attribute value: & < > " ' as entities, control
 * characters as spaces, bytes that are not UTF-8 as U+FFFD. */
void sw_html_esc(struct sw_buf *b, const char *s);

/* The colour of line i. Static. */
const char *sw_svg_color(unsigned i);

/* <svg id=ID> of the lines over the recording's time with the audit
 * log's actions marked, and its legend (<ul class="legend">). */
void sw_svg_chart(struct sw_buf *b, const struct sw_incident *inc,
		  const char *id, const char *label,
		  const struct sw_svg_line *lines, unsigned n);

/* The actions as marks (inside an <svg> of the chart's geometry). */
void sw_svg_marks(struct sw_buf *b, const struct sw_incident *inc);

#endif
