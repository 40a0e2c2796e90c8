/* SPDX-License-Identifier: Apache-2.0 */
/* The mutations a hostile-peer case names (defined, with what `msg` and
 * `arg` mean for each, in hostile/mutators.c). */
#ifndef CLASP_HOSTILE_MUTATORS_H
#define CLASP_HOSTILE_MUTATORS_H
#include "harness.h"

/* ---- framing of one message ---- */
mutate_fn m_cut, m_cut_ch2, m_len, m_extend, m_drop, m_dup, m_move_before, m_flip_last,
    m_insert_before, m_stall_after;

/* ---- extensions, in any message ---- */
mutate_fn m_add_ext, m_add_ext_twice, m_add_ext_first, m_dup_ext, m_drop_ext, m_add_ext_body,
    m_point_formats;

/* ---- ClientHello ---- */
mutate_fn m_ch_drop_ext, m_ch_prepend, m_ch_versions, m_ch_unlist_group, m_ch_compression,
    m_ch_legacy_version, m_ch_psk_first, m_ch_psk_no_modes, m_ch_reneg, m_ch_long_list,
    m_ch_sigalgs_filler_only, m_ch_many_shares, m_ch_sni, m_ch2_add_ext, m_ch2_early_data,
    m_observe_ch;

/* ---- ServerHello and HelloRetryRequest ---- */
mutate_fn m_sh_group, m_sh_version, m_sh_legacy_version, m_sh_suite, m_sh_compression,
    m_sh_session_id, m_sentinel, m_expect_sentinel;

/* ---- key shares ---- */
mutate_fn m_zero_share, m_share_value, m_share_short, m_cke_zero;

/* ---- later messages ---- */
mutate_fn m_cert_entry_ext, m_chain, m_cert_at_limit, m_context, m_cv_scheme, m_cr_is_long, m_ske;

/* ---- records ---- */
mutate_fn m_dup_ccs, m_ccs_body, m_move_ccs, m_record_before, m_empty_before, m_split_ccs,
    m_split_record, m_oversize, m_pad, m_early_records, m_empty_early_records, m_split_ch2;

/* ---- after the handshake: the data flight ("ping") ---- */
mutate_fn m_post_empty, m_post_warnings, m_post_warnings_twice, m_post_ccs, m_post_hs,
    m_post_zero_inner, m_post_inner_type, m_post_big;

/* After the handshake: the sender updates its keys once, then writes "ping". */
post_fn post_one_key_update;
#endif
