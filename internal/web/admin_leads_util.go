package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Helpers the lead, rule, delivery and import pages share. Their names
// start with ald so they cannot clash with the other pages of the package.

// aldPickerSelectMax is how many partners a select offers; past it a
// partner is picked by typing its name (with the names as suggestions),
// so a page with a picker per row stays small.
const aldPickerSelectMax = ally.MaxLimit

// aldPickerMaxPartners bounds the suggestions of a search picker.
const aldPickerMaxPartners = 5 * ally.MaxLimit

// aldPicker is a choice of partner in a form.
type aldPicker struct {
	Options []admOption // value: partner id, label: its name
	// Search says the actor sees too many partners for a select: the form
	// has a text box (a name or an id), Options its suggestions.
	Search bool
}

// partnerPicker reads the partners the actor may see, by name, for the
// partner fields of the lead, queue and rule forms.
func (s *server) partnerPicker(r *http.Request) (aldPicker, error) {
	var p aldPicker
	after := ""
	for len(p.Options) < aldPickerMaxPartners {
		page, err := s.app.Partners(r.Context(), actor(r), ally.PartnerFilter{Sort: ally.SortName, After: after, Limit: ally.MaxLimit})
		if err != nil {
			return p, err
		}
		for _, x := range page.Items {
			label := x.Name
			if x.Status == ally.StatusArchived {
				label += " (archived)"
			}
			p.Options = append(p.Options, admOption{x.ID, label})
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	p.Search = len(p.Options) > aldPickerSelectMax
	return p, nil
}

// label returns the name of the partner with id, for showing a picked
// partner in a search box; an id it does not know stays as it is.
func (p aldPicker) label(id string) string {
	if !p.Search {
		return id
	}
	for _, o := range p.Options {
		if o.Value == id {
			return strings.TrimSuffix(o.Label, " (archived)")
		}
	}
	return id
}

// resolvePartner turns what a partner field holds into a partner id: an
// id as it is (the application checks it), a typed name when exactly one
// partner the actor sees has it. The message says what to do otherwise.
func (s *server) resolvePartner(r *http.Request, text string) (string, string, error) {
	text = strings.TrimSpace(text)
	if text == "" || ally.HasPrefix(text, ally.PrefixPartner) {
		return text, "", nil
	}
	if !ally.PlainText(text) || len(text) > 200 {
		return "", "must be a partner's name or id", nil
	}
	page, err := s.app.Partners(r.Context(), actor(r), ally.PartnerFilter{Query: text, Sort: ally.SortName, Limit: ally.MaxLimit})
	if err != nil {
		return "", "", err
	}
	var found []string
	for _, p := range page.Items {
		if strings.EqualFold(p.Name, text) {
			found = append(found, p.ID)
		}
	}
	switch len(found) {
	case 0:
		return "", "no partner you can see is called " + text, nil
	case 1:
		return found[0], "", nil
	}
	return "", "several partners are called " + text + "; enter the partner's id (ptn_…) instead", nil
}

// aldLeadStatusOptions are the lead statuses, for selects.
func aldLeadStatusOptions() []admOption {
	out := make([]admOption, len(ally.LeadStatuses))
	for i, st := range ally.LeadStatuses {
		out[i] = admOption{string(st), strings.ToUpper(string(st[:1])) + string(st[1:])}
	}
	return out
}

// aldDay reads a date field (a whole UTC day). end makes it the end of
// that day, for the upper bound of a range.
func aldDay(s string, end bool) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, false
	}
	if end {
		d = d.AddDate(0, 0, 1)
	}
	return d, true
}

// aldCanWrite says whether to offer the actor forms needing scope. It
// only hides buttons; the application refuses the change itself.
func aldCanWrite(r *http.Request, scope ally.Scope) bool { return actor(r).Can(scope) }
