package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// Leads are written in bulk (an import batch, or the one lead of an
// intake) and read by keyset lists; see leads_find.go.

// leadInsert is the leads INSERT: id and version, appendLeadValues'
// columns, then received_at and import_id (never rewritten by an update).
var leadInsert = newBatchInsert("leads", "", "id text", "version bigint",
	"external_id text", "first_name text", "last_name text", "email text", "phone text", "title text",
	"company text", "company_lower text", "company_domain text", "country text", "region text",
	"source text", "message text", "custom text", "search text", "partner_id text", "status text",
	"status_reason text", "routing text", "assigned_at bigint", "updated_at bigint",
	"received_at bigint", "import_id text")

// CreateLeads inserts ls in bulk (insertMany), with version 1 where a
// lead's Version is zero. An unknown partner is ECodeInvalid, a
// taken id ECodeConflict.
func (t *tx) CreateLeads(ctx context.Context, ls []*ally.Lead) error {
	return t.insertMany(ctx, leadInsert, len(ls), func(i int, dst []any) ([]any, error) {
		l := ls[i]
		if l.Version == 0 {
			l.Version = 1
		}
		dst = append(dst, l.ID, l.Version)
		dst, err := appendLeadValues(dst, l)
		return append(dst, millis(l.ReceivedAt), nullIfEmpty(l.ImportID)), err
	}, func(err error) error {
		return wrapUnlessDomain("create leads", badRef(constraintError(err, nil), errNoPartner))
	})
}

// UpdateLead writes every field of l but id, received_at and import_id if
// the stored version is l.Version, then increments l.Version. A stale
// version is ally.ErrVersionMismatch, a missing lead ally.ErrNotFound.
func (t *tx) UpdateLead(ctx context.Context, l *ally.Lead) error {
	args, err := appendLeadValues([]any{l.ID, l.Version}, l)
	if err != nil {
		return fmt.Errorf("store: update lead: %w", err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE leads SET external_id = $3, first_name = $4,
		last_name = $5, email = $6, phone = $7, title = $8, company = $9, company_lower = $10,
		company_domain = $11, country = $12, region = $13, source = $14, message = $15,
		custom = $16, search = $17, partner_id = $18, status = $19, status_reason = $20,
		routing = $21, assigned_at = $22, updated_at = $23, version = version + 1
		WHERE id = $1 AND version = $2`, args...)
	err = badRef(constraintError(err, nil), errNoPartner)
	if err == nil {
		err = t.checkVersioned(ctx, res, "leads", l.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update lead", err)
	}
	l.Version++
	return nil
}

// appendLeadValues appends the 21 columns an update rewrites, from
// external_id to updated_at in leadInsert's order.
func appendLeadValues(dst []any, l *ally.Lead) ([]any, error) {
	custom, err := json.Marshal(l.Custom)
	if err != nil {
		return dst, fmt.Errorf("encode lead %s custom fields: %w", l.ID, err)
	}
	var routing any
	if l.Routing != nil {
		b, err := json.Marshal(l.Routing)
		if err != nil {
			return dst, fmt.Errorf("encode lead %s routing: %w", l.ID, err)
		}
		routing = string(b)
	}
	return append(dst, l.ExternalID, l.FirstName, l.LastName, l.Email, l.Phone, l.Title,
		l.Company, strings.ToLower(l.Company), l.CompanyDomain, l.Country, l.Region, l.Source,
		l.Message, string(custom), leadSearch(l), nullIfEmpty(l.PartnerID), string(l.Status),
		l.StatusReason, routing, millis(l.AssignedAt), millis(l.UpdatedAt)), nil
}

// leadSearch is what the list's text filter matches: name, e-mail and
// company, lowercased in Go like partners.name_lower.
func leadSearch(l *ally.Lead) string {
	return strings.ToLower(l.FirstName + " " + l.LastName + " " + l.Email + " " + l.Company)
}

// leadColumns are what every lead read selects; leadSelect adds the
// routing explanation, which EachLead leaves out.
const (
	leadColumns = `SELECT l.id, l.external_id, l.first_name, l.last_name, l.email, l.phone,
	l.title, l.company, l.company_domain, l.country, l.region, l.source, l.message, l.custom,
	l.partner_id, l.status, l.status_reason, l.import_id, l.received_at, l.assigned_at,
	l.updated_at, l.version, p.name`
	leadFrom         = ` FROM leads l LEFT JOIN partners p ON p.id = l.partner_id`
	leadSelect       = leadColumns + `, l.routing` + leadFrom
	leadStreamSelect = leadColumns + leadFrom
)

// leadOfOneSelect streams one partner's leads without the join: the
// partner's name is read once (EachLead), not looked up per row.
var leadOfOneSelect = strings.TrimSuffix(leadColumns, `p.name`) + `NULL FROM leads l`

// scanLead reads one row of leadSelect.
func scanLead(s scanner) (*ally.Lead, error) {
	var routing sql.NullString
	l, err := scanLeadColumns(s, &routing)
	if err != nil || !routing.Valid {
		return l, err
	}
	l.Routing = new(ally.RoutingDecision)
	if err := json.Unmarshal([]byte(routing.String), l.Routing); err != nil {
		return nil, fmt.Errorf("decode lead %s routing: %w", l.ID, err)
	}
	return l, nil
}

// scanLeadColumns reads leadColumns and then extra.
func scanLeadColumns(s scanner, extra ...any) (*ally.Lead, error) {
	return newLeadScanner(extra...).scan(s)
}

// leadScanner reads rows of leadColumns (and extra) into scan targets it
// keeps, so a long walk (EachLead) allocates each lead and its values but
// not, per row, the ten scan variables and two argument slices a fresh
// scan needs (measured on the PostgreSQL export: 0.45 -> 0.51-0.57 of the
// bare loop's rate).
type leadScanner struct {
	l                           ally.Lead
	custom, status              string
	partner, imp, pname         sql.NullString
	received, assigned, updated sql.NullInt64
	dest                        []any
}

func newLeadScanner(extra ...any) *leadScanner {
	ls := &leadScanner{}
	l := &ls.l
	ls.dest = append([]any{&l.ID, &l.ExternalID, &l.FirstName, &l.LastName, &l.Email, &l.Phone,
		&l.Title, &l.Company, &l.CompanyDomain, &l.Country, &l.Region, &l.Source, &l.Message, &ls.custom,
		&ls.partner, &ls.status, &l.StatusReason, &ls.imp, &ls.received, &ls.assigned, &ls.updated, &l.Version, &ls.pname},
		extra...)
	return ls
}

// scan reads one row into a new lead.
func (ls *leadScanner) scan(s scanner) (*ally.Lead, error) {
	if err := s.Scan(ls.dest...); err != nil {
		return nil, err
	}
	l := ls.l
	var ok bool
	if l.Custom, ok = decodeFlatStrings(ls.custom); !ok {
		if err := json.Unmarshal([]byte(ls.custom), &l.Custom); err != nil {
			return nil, fmt.Errorf("decode lead %s custom fields: %w", l.ID, err)
		}
	}
	l.PartnerID, l.ImportID, l.PartnerName = ls.partner.String, ls.imp.String, ls.pname.String
	l.Status = ally.LeadStatus(ls.status)
	l.ReceivedAt, l.AssignedAt, l.UpdatedAt = fromMillis(ls.received), fromMillis(ls.assigned), fromMillis(ls.updated)
	return &l, nil
}

// decodeFlatStrings decodes what json.Marshal makes of a map of plain
// strings ({"k":"v",…}, no escapes), the custom fields of most leads (CSV
// columns are text), and reports false for anything else, which the JSON
// decoder then reads. It is here for the export: encoding/json spent a
// fifth of EachLead's time on these small objects.
func decodeFlatStrings(s string) (map[string]any, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' || strings.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	m := map[string]any{}
	rest := s[1 : len(s)-1]
	for rest != "" {
		k, r, ok := cutQuoted(rest)
		if !ok || r == "" || r[0] != ':' {
			return nil, false
		}
		v, r, ok := cutQuoted(r[1:])
		if !ok {
			return nil, false
		}
		m[k] = v
		if rest = r; rest != "" {
			if rest[0] != ',' || len(rest) == 1 {
				return nil, false
			}
			rest = rest[1:]
		}
	}
	return m, true
}

// cutQuoted splits a leading "string" (without escapes) off s.
func cutQuoted(s string) (str, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", false
	}
	return s[1 : end+1], s[end+2:], true
}
