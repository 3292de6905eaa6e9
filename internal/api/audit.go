package api

import (
	"context"

	"github.com/allyprm/ally/internal/ally"
)

// Audit events: who changed what, newest first.

type auditEventJSON struct {
	ID        string                 `json:"id"`
	At        Time                   `json:"at"`
	Actor     auditActorJSON         `json:"actor"`
	PartnerID *string                `json:"partnerId" doc:"The partner concerned, if any."`
	Action    string                 `json:"action" doc:"For example partner.created, partner.updated, partner.archived."`
	Target    auditTargetJSON        `json:"target"`
	IP        *string                `json:"ip"`
	UserAgent *string                `json:"userAgent"`
	Changes   map[string]auditChange `json:"changes" doc:"Each changed field, by its API name."`
}

type auditActorJSON struct {
	Kind  string  `json:"kind" enum:"staff,partner_user,api_key,system"`
	ID    *string `json:"id" doc:"User, contact or API key id; null for the system."`
	Label string  `json:"label" doc:"E-mail or key name."`
}

type auditTargetJSON struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type auditChange struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

func renderAudit(e *ally.AuditEvent) auditEventJSON {
	changes := make(map[string]auditChange, len(e.Changes))
	for k, c := range e.Changes {
		changes[k] = auditChange{Before: c.Before, After: c.After}
	}
	return auditEventJSON{
		ID: e.ID, At: Time(e.At),
		Actor:     auditActorJSON{Kind: string(e.ActorKind), ID: strOrNil(e.ActorID), Label: e.ActorLabel},
		PartnerID: strOrNil(e.PartnerID), Action: e.Action,
		Target: auditTargetJSON{Type: e.TargetType, ID: e.TargetID},
		IP:     strOrNil(e.IP), UserAgent: strOrNil(e.UserAgent), Changes: changes,
	}
}

type listAuditInput struct {
	PartnerID string `query:"partnerId" maxLength:"100" doc:"Only events about this partner."`
	ActorID   string `query:"actorId" maxLength:"100" doc:"Only events by this user or API key."`
	Action    string `query:"action" maxLength:"100" doc:"Only this action, e.g. partner.updated."`
	Limit     int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size, 1 to 200."`
	Cursor    string `query:"cursor" maxLength:"200" doc:"The nextCursor of the previous page."`
}

func (s *server) listAudit(ctx context.Context, in *listAuditInput) (*many[auditEventJSON], error) {
	before, err := decodeCursor(in.Cursor, ally.PrefixAudit)
	if err != nil {
		return nil, fail(ctx, err)
	}
	pg, err := s.app.AuditEvents(ctx, actorFrom(ctx), ally.AuditFilter{
		PartnerID: in.PartnerID, ActorID: in.ActorID, Action: in.Action, Before: before, Limit: in.Limit,
	})
	if err != nil {
		return nil, fail(ctx, err)
	}
	return page(mapItems(pg.Items, renderAudit), pg.Next), nil
}
