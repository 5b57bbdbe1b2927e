/* sw_buf.h - a growable text buffer and JSON string escaping.
 * Core header: no I/O; the caller writes buf->data out. */
#ifndef SW_BUF_H
#define SW_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct sw_buf {
	char *data; /* NUL-terminated when len > 0 */
	size_t len, cap;
	bool oom;   /* an append failed: the text is incomplete */
};

void sw_buf_init(struct sw_buf *b);
void sw_buf_free(struct sw_buf *b);
/* Empty the buffer, keeping its storage. */
void sw_buf_reset(struct sw_buf *b);

/* Append; on ENOMEM sets b->oom and leaves the text as it was. */
void sw_buf_add(struct sw_buf *b, const char *s, size_t len);
void sw_buf_puts(struct sw_buf *b, const char *s);
void sw_buf_printf(struct sw_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append s as a JSON string literal, quotes included. Control characters
 * and invalid UTF-8 bytes are escaped (\u00XX). */
void sw_buf_json_str(struct sw_buf *b, const char *s);

/* Text from outside (process names, filter text, comments read back
 * from nftables) made safe for a terminal: every control character
 * (0x00-0x1f, 0x7f) becomes \xHH, all else is copied. */
void sw_buf_puts_safe(struct sw_buf *b, const char *s);
/* The same into out (len bytes, always NUL-terminated, cut to fit).
 * Returns out. */
char *sw_text_safe(const char *s, char *out, size_t len);

/* Append a finite double as JSON ("0.0" style, fixed decimals); NaN and
 * infinities become 0. */
void sw_buf_json_num(struct sw_buf *b, double v, int decimals);

#endif
