package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// partnerSelect reads partners with their owner and manager in one query.
const partnerSelect = `SELECT p.id, p.name, p.domain, p.website, p.logo_url, p.phone,
	p.description, p.status, p.archived_from, p.tier_id, p.phase_id, p.owner_id, p.manager_id,
	p.champion_contact_id, p.primary_contact_id, p.experience_template_id, p.portal_access,
	p.categories, p.external_id, p.external_id_type, p.external_company_id,
	p.partner_crm_properties, p.company_crm_properties, p.custom_properties,
	p.last_activity_at, p.created_at, p.updated_at, p.version,
	o.email, o.name, m.email, m.name
	FROM partners p
	LEFT JOIN users o ON o.id = p.owner_id
	LEFT JOIN users m ON m.id = p.manager_id`

// FindPartnerByID returns the partner with id, or ally.ErrNotFound.
func (q queries) FindPartnerByID(ctx context.Context, id string) (*ally.Partner, error) {
	return q.findPartner(ctx, "find partner", `p.id = $1`, id)
}

// FindPartnerByExternalID returns the partner with the CRM id, or ally.ErrNotFound.
func (q queries) FindPartnerByExternalID(ctx context.Context, externalID string) (*ally.Partner, error) {
	if externalID == "" {
		return nil, ally.ErrNotFound
	}
	return q.findPartner(ctx, "find partner by external id", `p.external_id = $1`, externalID)
}

// FindPartnerByDomain returns the partner at domain (compared normalized),
// or ally.ErrNotFound.
func (q queries) FindPartnerByDomain(ctx context.Context, domain string) (*ally.Partner, error) {
	domain = ally.NormalizeDomain(domain)
	if domain == "" {
		return nil, ally.ErrNotFound
	}
	return q.findPartner(ctx, "find partner by domain", `p.domain = $1`, domain)
}

func (q queries) findPartner(ctx context.Context, op, cond, arg string) (*ally.Partner, error) {
	return findOne(q.queryRow(ctx, partnerSelect+` WHERE `+cond, arg), scanPartner, op)
}

// FindPartners returns up to f.Limit (default 50) partners after the
// cursor f.After in the order f.Sort names: id (creation) order, name, or
// most recently updated first. Each filter and each order has an index
// ending in id, so a page costs the same however deep it is; there is no
// COUNT. A cursor that does not fit the order is ECodeBadRequest.
func (q queries) FindPartners(ctx context.Context, f ally.PartnerFilter) ([]*ally.Partner, error) {
	query, args, err := partnerListQuery(f)
	if err != nil {
		return nil, err
	}
	return findAll(ctx, q, query, args, scanPartner, "find partners")
}

var (
	errBadCursor = &ally.Error{Code: ally.ECodeBadRequest, Message: "the cursor is not valid for this list"}
	errBadSort   = &ally.Error{Code: ally.ECodeBadRequest, Message: "unknown sort order"}
)

// partnerListQuery builds the list query for f with numbered placeholders.
func partnerListQuery(f ally.PartnerFilter) (string, []any, error) {
	var w where
	// key is the id column the page is ordered and cut by. In id order with a
	// category it is the category index's partner_id, so the page is one
	// range of (category, partner_id) read in order and stopped at the limit.
	// The other orders come from a partners index, so there the category is
	// a semi-join instead.
	key, join := "p.id", ""
	if f.Category != "" {
		c := w.arg(f.Category)
		if f.Sort == ally.SortCreated {
			key, join = "pc.partner_id", " JOIN partner_categories pc ON pc.partner_id = p.id"
			w.add("pc.category = " + c)
		} else {
			w.add("p.id IN (SELECT partner_id FROM partner_categories WHERE category = " + c + ")")
		}
	}
	if f.Status != "" {
		w.add("p.status = " + w.arg(string(f.Status)))
	}
	if f.TierID != "" {
		w.add("p.tier_id = " + w.arg(f.TierID))
	}
	if f.PhaseID != "" {
		w.add("p.phase_id = " + w.arg(f.PhaseID))
	}
	if f.OwnerID != "" {
		w.add("p.owner_id = " + w.arg(f.OwnerID))
	}
	if f.VisibleTo != "" {
		// Owned, managed or granted: the union of three index ranges, as
		// large as the user's book of partners, then sorted. Written as
		// "p.owner_id = $u OR p.manager_id = $u OR p.id IN (grants)" it
		// reads the same, and SQLite ORs the three indexes, but PostgreSQL
		// cannot OR a subquery into a bitmap scan: it walked the whole
		// table in page order, filtering (1.4 ms against 0.16 ms at 5,000
		// partners, growing with the table). explain_test.go checks the shape.
		u := w.arg(f.VisibleTo)
		w.add("p.id IN (SELECT id FROM partners WHERE owner_id = " + u +
			" UNION ALL SELECT id FROM partners WHERE manager_id = " + u +
			" UNION ALL SELECT partner_id FROM partner_grants WHERE user_id = " + u + ")")
	}
	if !f.InactiveBefore.IsZero() {
		// Archived partners are dealt with already: they never go quiet. In
		// the query, so a page is full and its cursor honest.
		w.add("p.status <> 'archived'")
		w.add("(p.last_activity_at IS NULL OR p.last_activity_at < " + w.arg(f.InactiveBefore.UnixMilli()) + ")")
	}
	if f.Query != "" {
		// name_lower and domain are both lowercase already, so LIKE compares
		// the same way on SQLite (ASCII case-insensitive) and PostgreSQL.
		// A substring cannot use an index: this walks the page order, filtering.
		x := w.arg("%" + likeEscape(strings.ToLower(f.Query)) + "%")
		w.add("(p.name_lower LIKE " + x + ` ESCAPE '\' OR p.domain LIKE ` + x + ` ESCAPE '\')`)
	}
	order, err := partnerOrder(&w, f, key)
	if err != nil {
		return "", nil, err
	}
	return partnerSelect + join + w.clause() + " ORDER BY " + order + " LIMIT " + limitSQL(&w, pageLimit(f.Limit)), w.args, nil
}

// partnerOrder adds the keyset condition for f.After and returns the ORDER
// BY for f.Sort. A name or updated cursor is "key\x00id" (ally.PartnerCursor):
// the page starts after that row in (key, id) order, so ties on the key
// neither repeat nor skip rows.
func partnerOrder(w *where, f ally.PartnerFilter, key string) (string, error) {
	var k, id string
	if f.After != "" && f.Sort != ally.SortCreated {
		if !strings.Contains(f.After, "\x00") {
			return "", errBadCursor
		}
		k, id = ally.SplitPartnerCursor(f.After)
	}
	switch f.Sort {
	case ally.SortCreated:
		if f.After != "" {
			w.add(key + " > " + w.arg(f.After))
		}
		return key, nil
	case ally.SortName:
		if f.After != "" {
			k, id := w.arg(k), w.arg(id)
			w.add("(p.name_lower > " + k + " OR (p.name_lower = " + k + " AND p.id > " + id + "))")
		}
		return "p.name_lower, p.id", nil
	case ally.SortUpdated:
		if f.After != "" {
			ms, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				return "", errBadCursor
			}
			k, id := w.arg(ms), w.arg(id)
			w.add("(p.updated_at < " + k + " OR (p.updated_at = " + k + " AND p.id < " + id + "))")
		}
		return "p.updated_at DESC, p.id DESC", nil
	}
	return "", errBadSort
}

// where collects AND-ed conditions and their arguments, numbering
// placeholders in the order arguments are added.
type where struct {
	conds []string
	args  []any
}

func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) clause() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// likeEscape makes s match literally inside a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// scanPartner reads one row of partnerSelect.
func scanPartner(s scanner) (*ally.Partner, error) {
	var (
		p                                                ally.Partner
		domain, tier, phase, owner, manager, champion    sql.NullString
		primary, template, externalID                    sql.NullString
		status, archivedFrom, access                     string
		cats, partnerCRM, companyCRM, custom             string
		lastActivity, created, updated                   sql.NullInt64
		ownerEmail, ownerName, managerEmail, managerName sql.NullString
	)
	err := s.Scan(&p.ID, &p.Name, &domain, &p.Website, &p.LogoURL, &p.Phone,
		&p.Description, &status, &archivedFrom, &tier, &phase, &owner, &manager,
		&champion, &primary, &template, &access,
		&cats, &externalID, &p.ExternalIDType, &p.ExternalCompanyID,
		&partnerCRM, &companyCRM, &custom,
		&lastActivity, &created, &updated, &p.Version,
		&ownerEmail, &ownerName, &managerEmail, &managerName)
	if err != nil {
		return nil, err
	}
	p.Domain, p.TierID, p.PhaseID = domain.String, tier.String, phase.String
	p.OwnerID, p.ManagerID = owner.String, manager.String
	p.ChampionContactID, p.PrimaryContactID = champion.String, primary.String
	p.ExperienceTemplateID, p.ExternalID = template.String, externalID.String
	p.Status, p.ArchivedFrom = ally.PartnerStatus(status), ally.PartnerStatus(archivedFrom)
	p.PortalAccess = ally.PortalAccess(access)
	p.LastActivityAt, p.CreatedAt, p.UpdatedAt = fromMillis(lastActivity), fromMillis(created), fromMillis(updated)
	for _, d := range []struct {
		src string
		dst any
	}{{cats, &p.Categories}, {partnerCRM, &p.PartnerCRMProperties}, {companyCRM, &p.CompanyCRMProperties}, {custom, &p.CustomProperties}} {
		if err := json.Unmarshal([]byte(d.src), d.dst); err != nil {
			return nil, fmt.Errorf("decode partner %s: %w", p.ID, err)
		}
	}
	if owner.Valid {
		p.Owner = &ally.UserRef{ID: owner.String, Email: ownerEmail.String, Name: ownerName.String}
	}
	if manager.Valid {
		p.Manager = &ally.UserRef{ID: manager.String, Email: managerEmail.String, Name: managerName.String}
	}
	return &p, nil
}
