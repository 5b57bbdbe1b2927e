/* sock.c - names of protocols and TCP states. */
#include <string.h>
#include <strings.h>

#include "sw_sock.h"

static const char *const sw_state_names[SW_ST_MAX] = {
	[SW_ST_UNKNOWN] = "UNKNOWN",	 [SW_ESTABLISHED] = "ESTABLISHED",
	[SW_SYN_SENT] = "SYN_SENT",	 [SW_SYN_RECV] = "SYN_RECV",
	[SW_FIN_WAIT1] = "FIN_WAIT1",	 [SW_FIN_WAIT2] = "FIN_WAIT2",
	[SW_TIME_WAIT] = "TIME_WAIT",	 [SW_CLOSE] = "CLOSE",
	[SW_CLOSE_WAIT] = "CLOSE_WAIT", [SW_LAST_ACK] = "LAST_ACK",
	[SW_LISTEN] = "LISTEN",		 [SW_CLOSING] = "CLOSING",
};

static const char *const sw_state_shorts[SW_ST_MAX] = {
	[SW_ST_UNKNOWN] = "?",	  [SW_ESTABLISHED] = "EST", [SW_SYN_SENT] = "SS",
	[SW_SYN_RECV] = "SR",	  [SW_FIN_WAIT1] = "FW1",   [SW_FIN_WAIT2] = "FW2",
	[SW_TIME_WAIT] = "TW",	  [SW_CLOSE] = "CL",	    [SW_CLOSE_WAIT] = "CW",
	[SW_LAST_ACK] = "LA",	  [SW_LISTEN] = "LIS",	    [SW_CLOSING] = "CLG",
};

/* Other spellings operators type (ss's and lower-case variants). */
static const struct {
	const char *name;
	enum sw_state state;
} sw_state_aliases[] = {
	{"estab", SW_ESTABLISHED},    {"syn-sent", SW_SYN_SENT},
	{"syn-recv", SW_SYN_RECV},    {"syn_rcvd", SW_SYN_RECV},
	{"syn-rcvd", SW_SYN_RECV},    {"syn-rcv", SW_SYN_RECV},
	{"fin-wait-1", SW_FIN_WAIT1},
	{"fin_wait_1", SW_FIN_WAIT1}, {"fin-wait-2", SW_FIN_WAIT2},
	{"fin_wait_2", SW_FIN_WAIT2}, {"time-wait", SW_TIME_WAIT},
	{"close-wait", SW_CLOSE_WAIT}, {"last-ack", SW_LAST_ACK},
	{"closed", SW_CLOSE},	      {"unconn", SW_CLOSE},
	{"unconnected", SW_CLOSE},
	{"listening", SW_LISTEN},
};

const unsigned sw_state_order[] = {
	SW_ESTABLISHED, SW_SYN_SENT,   SW_SYN_RECV, SW_FIN_WAIT1,
	SW_FIN_WAIT2,	SW_TIME_WAIT,  SW_CLOSE,    SW_CLOSE_WAIT,
	SW_LAST_ACK,	SW_LISTEN,     SW_CLOSING,
};
const unsigned sw_state_norder =
	sizeof(sw_state_order) / sizeof(sw_state_order[0]);

const char *sw_state_name(unsigned state)
{
	return state < SW_ST_MAX ? sw_state_names[state] : "UNKNOWN";
}

const char *sw_state_short(unsigned state)
{
	return state < SW_ST_MAX ? sw_state_shorts[state] : "?";
}

enum sw_state sw_state_parse(const char *name)
{
	unsigned i;

	for (i = 1; i < SW_ST_MAX; i++)
		if (strcasecmp(name, sw_state_names[i]) == 0)
			return i;
	for (i = 0; i < sizeof(sw_state_aliases) / sizeof(sw_state_aliases[0]); i++)
		if (strcasecmp(name, sw_state_aliases[i].name) == 0)
			return sw_state_aliases[i].state;
	return SW_ST_UNKNOWN;
}

const char *sw_proto_name(unsigned proto)
{
	return proto == SW_UDP ? "udp" : "tcp";
}
