package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/allyprm/ally/internal/ally"
)

// Helpers the partner, contact and going-quiet pages share. Their names
// start with adm so they cannot clash with the other pages of the package.

// admOption is one choice of a select.
type admOption struct {
	Value string
	Label string
}

// admStatusOptions are the partner statuses a filter can pick.
func admStatusOptions(withArchived bool) []admOption {
	out := []admOption{
		{string(ally.StatusOnboarding), "Onboarding"},
		{string(ally.StatusActive), "Active"},
		{string(ally.StatusDormant), "Dormant"},
	}
	if withArchived {
		out = append(out, admOption{string(ally.StatusArchived), "Archived"})
	}
	return out
}

// admUserOptions lists staff users as choices; disabled users are left out
// unless they are keep (the current value, which must stay visible).
func admUserOptions(users []*ally.User, keep ...string) []admOption {
	out := make([]admOption, 0, len(users))
	for _, u := range users {
		if u.Disabled && !admContains(keep, u.ID) {
			continue
		}
		label := u.Email
		if u.Name != "" {
			label = u.Name + " (" + u.Email + ")"
		}
		if u.Disabled {
			label += " — disabled"
		}
		out = append(out, admOption{u.ID, label})
	}
	return out
}

func admContains(list []string, s string) bool {
	for _, x := range list {
		if x != "" && x == s {
			return true
		}
	}
	return false
}

// admCheckQuery refuses a query string the store could not take: text that
// is not UTF-8 or holds NUL (PostgreSQL rejects both, which would be a 500).
func admCheckQuery(r *http.Request) error {
	for k, vs := range r.URL.Query() {
		if !ally.PlainText(k) {
			return admBadLink()
		}
		for _, v := range vs {
			if !ally.PlainText(v) || len(v) > 2048 {
				return admBadLink()
			}
		}
	}
	return nil
}

func admBadLink() error {
	return ally.Errorf(ally.ECodeBadRequest, "this link is not valid; go back to the first page of the list")
}

// admEncodeCursor makes a page cursor safe for a URL: sort keys hold a NUL
// separator, which is no text a URL should carry.
func admEncodeCursor(c string) string {
	if c == "" {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString([]byte(c))
}

// admDecodeCursor reads a cursor made by admEncodeCursor for the given
// partner sort, refusing anything the list did not hand out.
func admDecodeCursor(c, sort string) (string, error) {
	if c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return "", admBadLink()
	}
	raw := string(b)
	key, id := ally.SplitPartnerCursor(raw)
	ok := ally.HasPrefix(id, ally.PrefixPartner) && ally.PlainText(key) && ally.PlainText(id)
	if sort == ally.SortCreated {
		ok = ok && key == "" && raw == id
	} else {
		ok = ok && raw != id
	}
	if !ok {
		return "", admBadLink()
	}
	return raw, nil
}

// admLimit reads a page size, 1 to ally.MaxLimit; anything else is the default.
func admLimit(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > ally.MaxLimit {
		return ally.DefaultLimit
	}
	return n
}

// admURL builds path?query from pairs, leaving out empty values.
func admURL(path string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// admSplitList reads a comma-separated input ("reseller, EMEA") into its
// items, dropping empty ones.
func admSplitList(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// admCanWrite says whether to offer the actor forms that change partners.
// It only hides buttons; the application refuses the change itself.
func admCanWrite(r *http.Request) bool { return actor(r).Can(ally.ScopePartnersWrite) }

// admVersion reads the hidden version field of an edit form.
func admVersion(r *http.Request) (int64, error) {
	v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || v < 1 {
		return 0, ally.Errorf(ally.ECodeBadRequest, "the form is missing its version; reload the page and try again")
	}
	return v, nil
}

// admSentence makes an application message read as a sentence on a page:
// a capital first letter and a full stop.
func admSentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	first, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(first)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}
