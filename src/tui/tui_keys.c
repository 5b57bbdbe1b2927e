/* tui_keys.c - curses key codes to the view's key codes; the view's key
 * table (src/core/view.c) then says what each does. */
#include <curses.h>

#include "sw_tui.h"

static const struct {
	int curses;
	int key;
} sw_tui_keymap[] = {
	{ KEY_UP, SW_KEY_UP },          { KEY_DOWN, SW_KEY_DOWN },
	{ KEY_LEFT, SW_KEY_LEFT },      { KEY_RIGHT, SW_KEY_RIGHT },
	{ KEY_PPAGE, SW_KEY_PGUP },     { KEY_NPAGE, SW_KEY_PGDN },
	{ KEY_HOME, SW_KEY_HOME },      { KEY_END, SW_KEY_END },
	{ KEY_BTAB, SW_KEY_BTAB },      { KEY_BACKSPACE, SW_KEY_BACKSPACE },
	{ KEY_DC, SW_KEY_DELETE },      { KEY_F(1), SW_KEY_F1 },
	{ KEY_F(10), SW_KEY_F10 },      { KEY_ENTER, SW_KEY_ENTER },
	{ '\r', SW_KEY_ENTER },         { KEY_A1, SW_KEY_HOME },
	{ KEY_C1, SW_KEY_END },         { KEY_A3, SW_KEY_PGUP },
	{ KEY_C3, SW_KEY_PGDN },
};

int sw_tui_key(int ch)
{
	size_t i;

	for (i = 0; i < sizeof(sw_tui_keymap) / sizeof(sw_tui_keymap[0]); i++)
		if (sw_tui_keymap[i].curses == ch)
			return sw_tui_keymap[i].key;
	/* other function keys, mouse and resize are handled elsewhere */
	if (ch >= KEY_MIN)
		return SW_KEY_NONE;
	return ch;
}
