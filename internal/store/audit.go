package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// CreateAuditEvent appends e. The log is append-only: there is no update or
// delete. Written inside the transaction of the change it records.
func (t *tx) CreateAuditEvent(ctx context.Context, e *ally.AuditEvent) error {
	changes, err := json.Marshal(e.Changes)
	if err != nil {
		return fmt.Errorf("store: create audit event: %w", err)
	}
	return t.later(ctx, func(err error) error {
		return wrapUnlessDomain("create audit event", constraintError(err, nil))
	}, `INSERT INTO audit_events
		(id, at, actor_kind, actor_id, actor_label, partner_id, action, target_type,
		target_id, ip, user_agent, changes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		e.ID, millis(e.At), string(e.ActorKind), nullIfEmpty(e.ActorID), e.ActorLabel,
		nullIfEmpty(e.PartnerID), e.Action, e.TargetType, e.TargetID, e.IP, e.UserAgent,
		string(changes))
}

// FindAuditEvents returns up to f.Limit (default 50) events before f.Before,
// newest first. Ids are ULIDs, so id order is time order, and each filter
// has an index ending in id.
func (q queries) FindAuditEvents(ctx context.Context, f ally.AuditFilter) ([]*ally.AuditEvent, error) {
	query, args := auditListQuery(f)
	return findAll(ctx, q, query, args, scanAuditEvent, "find audit events")
}

// auditListQuery builds the list query for f with numbered placeholders.
func auditListQuery(f ally.AuditFilter) (string, []any) {
	var w where
	if f.PartnerID != "" {
		w.add("partner_id = " + w.arg(f.PartnerID))
	}
	if f.ActorID != "" {
		w.add("actor_id = " + w.arg(f.ActorID))
	}
	if f.Action != "" {
		w.add("action = " + w.arg(f.Action))
	}
	// Times are stored as Unix milliseconds on both engines, so the bounds
	// compare as numbers. No index leads with at: the list still walks ids
	// newest first and stops at the page limit, so an Until far in the past
	// with no other filter reads many rows before the first match.
	if !f.Since.IsZero() {
		w.add("at >= " + w.arg(millis(f.Since)))
	}
	if !f.Until.IsZero() {
		w.add("at < " + w.arg(millis(f.Until)))
	}
	if f.Before != "" {
		w.add("id < " + w.arg(f.Before))
	}
	return `SELECT id, at, actor_kind, actor_id, actor_label, partner_id, action,
		target_type, target_id, ip, user_agent, changes FROM audit_events` +
		w.clause() + ` ORDER BY id DESC LIMIT ` + limitSQL(&w, pageLimit(f.Limit)), w.args
}

func scanAuditEvent(s scanner) (*ally.AuditEvent, error) {
	var e ally.AuditEvent
	var at sql.NullInt64
	var kind, changes string
	var actorID, partnerID sql.NullString
	if err := s.Scan(&e.ID, &at, &kind, &actorID, &e.ActorLabel, &partnerID, &e.Action,
		&e.TargetType, &e.TargetID, &e.IP, &e.UserAgent, &changes); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
		return nil, fmt.Errorf("decode audit event %s: %w", e.ID, err)
	}
	e.At, e.ActorKind = fromMillis(at), ally.ActorKind(kind)
	e.ActorID, e.PartnerID = actorID.String, partnerID.String
	return &e, nil
}
