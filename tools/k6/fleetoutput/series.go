package fleetoutput

import (
	"sort"

	"go.k6.io/k6/v2/metrics"
)

// The wire shape: exactly functions/contracts/metrics.ts Series (SeriesSchema), so the
// runner validates a batch with the schema it already has and merges it as it is.
type wireBuckets struct {
	Offset int      `json:"offset"`
	Counts []uint64 `json:"counts"`
}

type wireHistogram struct {
	Scale     int         `json:"scale"`
	ZeroCount uint64      `json:"zeroCount"`
	Positive  wireBuckets `json:"positive"`
	Negative  wireBuckets `json:"negative"`
	Count     uint64      `json:"count"`
	Sum       float64     `json:"sum"`
	Min       *float64    `json:"min"`
	Max       *float64    `json:"max"`
}

type wireSeries struct {
	Metric   string            `json:"metric"`
	Contains string            `json:"contains"`
	Tags     map[string]string `json:"tags"`
	Type     string            `json:"type"`
	Value    *float64          `json:"value,omitempty"`
	Min      *float64          `json:"min,omitempty"`
	Max      *float64          `json:"max,omitempty"`
	Nonzero  *uint64           `json:"nonzero,omitempty"`
	Total    *uint64           `json:"total,omitempty"`
	Hist     *wireHistogram    `json:"hist,omitempty"`
}

// Batch is one POST body: the series of one interval, numbered so a retried POST that
// did arrive is applied once.
type Batch struct {
	V      int          `json:"v"`
	Batch  uint64       `json:"batch"`
	Series []wireSeries `json:"series"`
}

func side(b buckets) wireBuckets {
	if b.counts == nil {
		return wireBuckets{Offset: 0, Counts: []uint64{}}
	}
	return wireBuckets{Offset: b.offset, Counts: b.counts}
}

func wireOf(m *metrics.Metric, tags map[string]string, a *aggregate) wireSeries {
	s := wireSeries{Metric: m.Name, Contains: m.Contains.String(), Tags: tags}
	switch m.Type {
	case metrics.Counter:
		s.Type, s.Value = "counter", &a.value
	case metrics.Gauge:
		s.Type, s.Value, s.Min, s.Max = "gauge", &a.value, &a.min, &a.max
	case metrics.Rate:
		s.Type, s.Nonzero, s.Total = "rate", &a.nonzero, &a.total
	case metrics.Trend:
		h := a.hist
		s.Type = "trend"
		s.Hist = &wireHistogram{
			Scale: h.scale, ZeroCount: h.zero, Positive: side(h.pos), Negative: side(h.neg),
			Count: h.count, Sum: h.sum, Min: &h.min, Max: &h.max,
		}
	}
	return s
}

type groupKey struct {
	metric *metrics.Metric
	tags   string
}

// toWire groups an interval's aggregates by metric × kept tags (k6 tags the fleet drops,
// e.g. url, fall away here) and returns them in a stable order.
func toWire(aggs map[metrics.TimeSeries]*aggregate, keep map[string]bool) []wireSeries {
	type group struct {
		tags map[string]string
		agg  *aggregate
	}
	groups := map[groupKey]*group{}
	var order []groupKey
	for ts, a := range aggs {
		tags, key := keptTags(ts.Tags, keep)
		k := groupKey{ts.Metric, key}
		g, ok := groups[k]
		if !ok {
			groups[k] = &group{tags: tags, agg: a}
			order = append(order, k)
			continue
		}
		g.agg.merge(ts.Metric.Type, a)
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].metric.Name != order[j].metric.Name {
			return order[i].metric.Name < order[j].metric.Name
		}
		return order[i].tags < order[j].tags
	})
	out := make([]wireSeries, 0, len(order))
	for _, k := range order {
		g := groups[k]
		out = append(out, wireOf(k.metric, g.tags, g.agg))
	}
	return out
}
