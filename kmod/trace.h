/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints under events/capwap_lsc/, one per enum capwap_lsc_event_type,
 * for trace-cmd, perf and bpftrace.  They fire where the AP's history
 * records the event, under the AP's lock.  Kept out of the wire files,
 * which also build in userspace.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM capwap_lsc

#if !defined(_CAPWAP_LSC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _CAPWAP_LSC_TRACE_H

#include <linux/tracepoint.h>
#include <linux/capwap_lsc.h>

DECLARE_EVENT_CLASS(capwap_lsc_ap_event,
	TP_PROTO(const u8 *mac, u8 val, u8 aux, u64 request_id,
		 const char *reason),
	TP_ARGS(mac, val, aux, request_id, reason),
	TP_STRUCT__entry(
		__array(u8, mac, CAPWAP_LSC_MAC_LEN)
		__field(u8, val)
		__field(u8, aux)
		__field(u64, request_id)
		/*
		 * A dynamic array, not __string(): __assign_str() changed its
		 * arguments in 6.10, and DKMS builds this for newer kernels.
		 */
		__dynamic_array(char, reason, strlen(reason ?: "") + 1)
	),
	TP_fast_assign(
		memcpy(__entry->mac, mac, CAPWAP_LSC_MAC_LEN);
		__entry->val = val;
		__entry->aux = aux;
		__entry->request_id = request_id;
		memcpy(__get_dynamic_array(reason), reason ?: "",
		       __get_dynamic_array_len(reason));
	),
	TP_printk("ap=%pM val=%u aux=%u request=%llu reason=\"%s\"",
		  __entry->mac, __entry->val, __entry->aux,
		  __entry->request_id, __get_str(reason))
);

#define CAPWAP_LSC_TP(name, fmt, ...)					\
DEFINE_EVENT_PRINT(capwap_lsc_ap_event, name,				\
	TP_PROTO(const u8 *mac, u8 val, u8 aux, u64 request_id,		\
		 const char *reason),					\
	TP_ARGS(mac, val, aux, request_id, reason),			\
	TP_printk("ap=%pM " fmt, __entry->mac, ##__VA_ARGS__))

CAPWAP_LSC_TP(capwap_lsc_join, "cert_type=%u", __entry->val);
CAPWAP_LSC_TP(capwap_lsc_session, "session=%u old=%u",
	      __entry->val, __entry->aux);
CAPWAP_LSC_TP(capwap_lsc_state, "state=%u old=%u",
	      __entry->val, __entry->aux);
CAPWAP_LSC_TP(capwap_lsc_cert_request, "attempt=%u renewal=%u request=%llu",
	      __entry->val, __entry->aux, __entry->request_id);
CAPWAP_LSC_TP(capwap_lsc_enroll, "result=%u request=%llu reason=\"%s\"",
	      __entry->val, __entry->request_id, __get_str(reason));
/* The class's own format: the certificates carry no number of their own. */
DEFINE_EVENT(capwap_lsc_ap_event, capwap_lsc_delivery,
	TP_PROTO(const u8 *mac, u8 val, u8 aux, u64 request_id,
		 const char *reason),
	TP_ARGS(mac, val, aux, request_id, reason));
CAPWAP_LSC_TP(capwap_lsc_install, "result=%u reason=\"%s\"",
	      __entry->val, __get_str(reason));
CAPWAP_LSC_TP(capwap_lsc_attempt_failed, "result=%u attempts=%u reason=\"%s\"",
	      __entry->val, __entry->aux, __get_str(reason));
CAPWAP_LSC_TP(capwap_lsc_fallback, "attempts=%u", __entry->val);
CAPWAP_LSC_TP(capwap_lsc_session_end, "reason=%u session=%u",
	      __entry->val, __entry->aux);

#endif /* _CAPWAP_LSC_TRACE_H */

/* Out of tree: Kbuild puts kmod/ on the include path of event.o. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
