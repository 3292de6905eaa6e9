package store

import "context"

// FindVisiblePartnerIDs returns, in id order, those of ids that the staff
// user owns, manages or was granted: the VisibleTo rule of the partner
// list (partners_find.go) asked of a few named partners, in one query that
// probes each id's primary key (and its grant), however large the book.
// Unknown ids are left out.
func (q queries) FindVisiblePartnerIDs(ctx context.Context, userID string, ids []string) ([]string, error) {
	out := []string{}
	if len(ids) == 0 || userID == "" {
		return out, nil
	}
	var w where
	w.add(inList(q.engine, &w, "p.id", ids))
	u := w.arg(userID)
	w.add("(p.owner_id = " + u + " OR p.manager_id = " + u +
		" OR EXISTS (SELECT 1 FROM partner_grants g WHERE g.user_id = " + u + " AND g.partner_id = p.id))")
	return findStrings(ctx, q, "SELECT p.id FROM partners p"+w.clause()+" ORDER BY p.id", w.args, "find visible partner ids")
}
