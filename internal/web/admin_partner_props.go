package web

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/allyprm/ally/internal/ally"
)

// Property maps (the CRM's and Ally's own) are edited as rows of name and
// value. Form values are text; a stored value that is not text (a number, a
// yes/no, a list) is shown in its JSON form and kept as it was unless the
// row's text is changed.

// adminPropGroups are the partner's three property maps, in form order.
var adminPropGroups = []struct {
	field, legend string
	of            func(*ally.Partner) map[string]any
}{
	{"partnerObjectCrmProperties", "CRM properties: partner object", func(p *ally.Partner) map[string]any { return p.PartnerCRMProperties }},
	{"companyCrmProperties", "CRM properties: company", func(p *ally.Partner) map[string]any { return p.CompanyCRMProperties }},
	{"customProperties", "Custom properties", func(p *ally.Partner) map[string]any { return p.CustomProperties }},
}

// adminBlankPropRows is how many empty rows a form offers for adding properties.
const adminBlankPropRows = 3

// adminPropGroup is one property map in a form.
type adminPropGroup struct {
	Field  string // the map's API name: input names and field errors use it
	Legend string
	Rows   []adminPropRow
}

// adminPropRow is one property. Kind is "" for text, else what the stored
// value is ("number", "yes/no", "list", "empty", "value").
type adminPropRow struct {
	Key, Value, Kind string
}

func adminPropGroupFrom(field, legend string, m map[string]any) adminPropGroup {
	g := adminPropGroup{Field: field, Legend: legend}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		text, kind := admPropText(m[k])
		g.Rows = append(g.Rows, adminPropRow{Key: k, Value: text, Kind: kind})
	}
	for range adminBlankPropRows {
		g.Rows = append(g.Rows, adminPropRow{})
	}
	return g
}

func adminPropGroupParse(r *http.Request, field, legend string) adminPropGroup {
	g := adminPropGroup{Field: field, Legend: legend}
	keys, values := r.PostForm[field+".key"], r.PostForm[field+".value"]
	for i, k := range keys {
		row := adminPropRow{Key: k}
		if i < len(values) {
			row.Value = values[i]
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// value returns the map the rows describe and whether it differs from
// stored. A row without a name is skipped (clearing a name removes the
// property); a name given twice is reported on v.
func (g adminPropGroup) value(stored map[string]any, v *ally.Validator) (map[string]any, bool) {
	m := map[string]any{}
	for _, row := range g.Rows {
		if row.Key == "" {
			continue
		}
		if _, dup := m[row.Key]; dup {
			v.Add(g.Field, "property %q is listed twice", row.Key)
			continue
		}
		m[row.Key] = row.Value
		if old, ok := stored[row.Key]; ok {
			if text, kind := admPropText(old); kind != "" && text == row.Value {
				m[row.Key] = old // not text, and not edited: keep it as it is
			}
		}
	}
	if len(m) == 0 && len(stored) == 0 {
		return nil, false // nil and empty are the same map to a person
	}
	return m, !reflect.DeepEqual(m, stored)
}

// admPropText shows a stored property value as form text, and says what
// kind of value it is when it is not text.
func admPropText(val any) (text, kind string) {
	switch x := val.(type) {
	case string:
		return x, ""
	case nil:
		return "", "empty"
	case bool:
		return strconv.FormatBool(x), "yes/no"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), "number"
	case []any:
		return admJSON(x), "list"
	}
	return admJSON(val), "value"
}

// admJSON writes v as JSON without HTML escaping: the template escapes for
// the page, and "&" must read as "&", not "\u0026", in a form field.
func admJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// adminPropList is a property map as sorted name, value pairs, for showing:
// a list reads as its items, comma-separated.
func adminPropList(m map[string]any) []adminPropRow {
	g := adminPropGroupFrom("", "", m)
	rows := g.Rows[:len(g.Rows)-adminBlankPropRows]
	for i, row := range rows {
		if list, ok := m[row.Key].([]any); ok {
			items := make([]string, 0, len(list))
			for _, x := range list {
				if s, ok := x.(string); ok {
					items = append(items, s)
				} else {
					items = append(items, admJSON(x))
				}
			}
			rows[i].Value = strings.Join(items, ", ")
		}
	}
	return rows
}
