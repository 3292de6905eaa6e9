package web_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// Reading forms back from the pages, as a browser would submit them.

var (
	uiFieldRE  = regexp.MustCompile(`(?s)<input\b[^>]*>|<select\b.*?</select>|<textarea\b.*?</textarea>`)
	uiAttrRE   = regexp.MustCompile(`([a-zA-Z][\w-]*)(?:="([^"]*)")?`)
	uiOptionRE = regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)
	uiTagRE    = regexp.MustCompile(`^<\w+([^>]*)>`)
)

// uiForm returns what a browser would submit from the page's form with
// the given action, unchanged: every field with its current value, in
// document order, checkboxes and radios only when checked.
func uiForm(t *testing.T, pg uiPage, action string) url.Values {
	t.Helper()
	start := strings.Index(pg.body, `action="`+action+`"`)
	if start < 0 {
		t.Fatalf("no form to %s in %s", action, pg.body)
	}
	end := strings.Index(pg.body[start:], "</form>")
	out := url.Values{}
	for _, field := range uiFieldRE.FindAllString(pg.body[start:start+end], -1) {
		attrs := map[string]string{}
		for _, m := range uiAttrRE.FindAllStringSubmatch(uiTagRE.FindStringSubmatch(field)[1], -1) {
			attrs[m[1]] = html.UnescapeString(m[2])
		}
		name := attrs["name"]
		if name == "" {
			continue
		}
		switch {
		case strings.HasPrefix(field, "<select"):
			opts := uiOptionRE.FindAllStringSubmatch(field, -1)
			value := ""
			for i, o := range opts {
				if i == 0 || o[2] != "" {
					value = html.UnescapeString(o[1])
				}
			}
			out.Add(name, value)
		case strings.HasPrefix(field, "<textarea"):
			text := field[strings.Index(field, ">")+1 : strings.LastIndex(field, "</textarea>")]
			out.Add(name, html.UnescapeString(text))
		case attrs["type"] == "checkbox" || attrs["type"] == "radio":
			if _, checked := attrs["checked"]; checked {
				v := attrs["value"]
				if v == "" {
					v = "on"
				}
				out.Add(name, v)
			}
		case attrs["type"] == "submit":
		default:
			out.Add(name, attrs["value"])
		}
	}
	return out
}

// uiSetRow sets the value of the property row named key in a form's group.
func uiSetRow(t *testing.T, form url.Values, group, key, value string) {
	t.Helper()
	keys := form[group+".key"]
	for i, k := range keys {
		if k == key {
			form[group+".value"][i] = value
			return
		}
	}
	t.Fatalf("no row %q in %s: %v", key, group, keys)
}
