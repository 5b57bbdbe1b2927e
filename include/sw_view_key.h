/* sw_view_key.h - key codes, the actions keys map to (one constant table),
 * and the reaction flags actions return to the main loop. Core header. */
#ifndef SW_VIEW_KEY_H
#define SW_VIEW_KEY_H

#include <stdbool.h>

/* Key codes: characters are their code point; special keys live above
 * Unicode so they never collide. The TUI maps curses codes to these
 * (Enter and '\r' both to SW_KEY_ENTER). */
enum sw_key {
	SW_KEY_NONE = 0,
	SW_KEY_TAB = '\t',
	SW_KEY_ENTER = '\n',
	SW_KEY_ESC = 27,
	SW_KEY_SPECIAL = 0x110000,
	SW_KEY_UP,
	SW_KEY_DOWN,
	SW_KEY_LEFT,
	SW_KEY_RIGHT,
	SW_KEY_PGUP,
	SW_KEY_PGDN,
	SW_KEY_HOME,
	SW_KEY_END,
	SW_KEY_BTAB,
	SW_KEY_BACKSPACE,
	SW_KEY_DELETE,
	SW_KEY_F1,
	SW_KEY_F10,
};

/* What a key does in the main screen. */
enum sw_action {
	SW_A_NONE = 0,
	SW_A_FOCUS_NEXT,
	SW_A_FOCUS_PREV,
	SW_A_UP,
	SW_A_DOWN,
	SW_A_PGUP,
	SW_A_PGDN,
	SW_A_HOME,
	SW_A_END,
	SW_A_SORT_PREV,
	SW_A_SORT_NEXT,
	SW_A_SORT_REVERSE,
	SW_A_FILTER,
	SW_A_GROUP,
	SW_A_INBOUND,
	SW_A_PAUSE,
	SW_A_INTERVAL_UP,
	SW_A_INTERVAL_DOWN,
	SW_A_OPEN,
	SW_A_CLOSE,
	SW_A_BLOCK,
	SW_A_UNBLOCK,
	SW_A_BLOCKS,
	SW_A_ARM,
	SW_A_HELP,
	SW_A_QUIT,
	SW_A_MAX
};

/* Reaction flags returned by actions: only the main loop acts on them. */
enum sw_react {
	SW_R_REDRAW = 1u << 0,   /* the screen changed */
	SW_R_QUIT = 1u << 1,
	SW_R_PAUSE = 1u << 2,    /* v->paused changed: tell the refresher */
	SW_R_INTERVAL = 1u << 3, /* v->interval_s changed */
	SW_R_GROUP = 1u << 4,    /* v->group changed: re-aggregate */
	SW_R_FILTER = 1u << 5,   /* the filter prompt was accepted: apply v->prompt */
	SW_R_BLOCK = 1u << 6,    /* the block confirmation was accepted */
	SW_R_UNBLOCK = 1u << 7,  /* unblock v->unblock_target */
	SW_R_BLOCKS = 1u << 8,   /* the blocks pane was toggled */
	SW_R_MARK = 1u << 9,     /* the marks changed */
	SW_R_ARM = 1u << 10,     /* v->armed changed: arm / disarm the rules */
};

/* One row of the key table. */
struct sw_view_binding {
	int key;
	enum sw_action action;
};

/* One row of the action table: what the help screen lists. */
struct sw_view_action_def {
	const char *keys; /* "Up Down PgUp PgDn Home End" */
	const char *help; /* "move the selection" */
};

/* The key table (constant; terminated by a {0, SW_A_NONE} row). */
extern const struct sw_view_binding sw_view_bindings[];

/* Action for a key in the main screen, SW_A_NONE when unbound. */
enum sw_action sw_view_key_action(int key);

/* Help text of an action (never NULL for a < SW_A_MAX). */
const struct sw_view_action_def *sw_view_action_def(enum sw_action a);

#endif
