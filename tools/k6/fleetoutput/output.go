// Package fleetoutput is k6-fleet's k6 output (`--out fleet=http://127.0.0.1:PORT/…`):
// it aggregates samples inside k6 per interval — exact sums for counters, exact
// zero/nonzero counts for rates, last/min/max for gauges, a base-2 exponential histogram
// for trends — per metric × the tags the fleet keeps, and POSTs one compact JSON batch per
// interval to the runner. Per sample it costs a map lookup on k6's interned TimeSeries and
// an add, instead of the OpenTelemetry output's attribute set per sample.
package fleetoutput

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"go.k6.io/k6/v2/metrics"
	"go.k6.io/k6/v2/output"
)

// Name is the output's name on k6's command line.
const Name = "fleet"

func init() {
	output.RegisterExtension(Name, New)
}

// Config is read from the --out argument (the receiver URL) and the k6 process env.
type Config struct {
	URL      string
	Interval time.Duration
	KeepTags map[string]bool
	// Attempts per batch before it is dropped with an error (a dead runner cannot recover it).
	Attempts int
}

// ParseConfig reads `--out fleet=URL`, K6_FLEET_PUSH_INTERVAL (a Go duration, default 1s)
// and K6_FLEET_KEEP_TAGS (comma-separated tag keys; default none).
func ParseConfig(arg string, env map[string]string) (Config, error) {
	u, err := url.Parse(arg)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Config{}, fmt.Errorf("fleet output: want --out %s=http://host:port/path, got %q", Name, arg)
	}
	c := Config{URL: arg, Interval: time.Second, KeepTags: map[string]bool{}, Attempts: 5}
	if v := env["K6_FLEET_PUSH_INTERVAL"]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return Config{}, fmt.Errorf("fleet output: K6_FLEET_PUSH_INTERVAL %q is not a positive duration", v)
		}
		c.Interval = d
	}
	for _, k := range strings.Split(env["K6_FLEET_KEEP_TAGS"], ",") {
		if k = strings.TrimSpace(k); k != "" {
			c.KeepTags[k] = true
		}
	}
	return c, nil
}

// Output implements k6's output.Output.
type Output struct {
	cfg    Config
	logger logrus.FieldLogger
	client *http.Client

	mu   sync.Mutex
	aggs map[metrics.TimeSeries]*aggregate

	sendMu  sync.Mutex
	queue   [][]byte // encoded batches not yet acknowledged, oldest first
	batch   uint64
	stop    chan struct{}
	stopped chan struct{}
}

// New is the constructor k6 calls for `--out fleet=…`.
func New(p output.Params) (output.Output, error) {
	cfg, err := ParseConfig(p.ConfigArgument, p.Environment)
	if err != nil {
		return nil, err
	}
	return newOutput(cfg, p.Logger), nil
}

func newOutput(cfg Config, logger logrus.FieldLogger) *Output {
	return &Output{
		cfg:    cfg,
		logger: logger.WithField("output", Name),
		// Loopback to the runner: a stuck POST must not hold k6's shutdown for long.
		client:  &http.Client{Timeout: 5 * time.Second},
		aggs:    map[metrics.TimeSeries]*aggregate{},
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
}

func (o *Output) Description() string { return fmt.Sprintf("%s (%s)", Name, o.cfg.URL) }

func (o *Output) Start() error {
	go func() {
		defer close(o.stopped)
		t := time.NewTicker(o.cfg.Interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				o.flush(1)
			case <-o.stop:
				return
			}
		}
	}()
	return nil
}

// AddMetricSamples runs on k6's output-manager goroutine: aggregate, nothing else.
func (o *Output) AddMetricSamples(containers []metrics.SampleContainer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, sc := range containers {
		for _, s := range sc.GetSamples() {
			a, ok := o.aggs[s.TimeSeries]
			if !ok {
				a = &aggregate{}
				o.aggs[s.TimeSeries] = a
			}
			a.add(s.Metric.Type, &s)
		}
	}
}

// Stop sends what is left; k6 waits for it, so the runner has every sample once k6 exits.
func (o *Output) Stop() error {
	close(o.stop)
	<-o.stopped
	if n := o.flush(o.cfg.Attempts); n > 0 {
		return fmt.Errorf("fleet output: %d metric batches could not be delivered to %s", n, o.cfg.URL)
	}
	return nil
}

// flush turns the interval's aggregates into a batch, queues it and sends the queue in
// order, each batch up to `attempts` times now; a batch still failing stays queued (in
// order, so the runner applies batches as k6 made them) for the next flush. Returns how
// many remain unsent.
func (o *Output) flush(attempts int) int {
	o.mu.Lock()
	aggs := o.aggs
	o.aggs = make(map[metrics.TimeSeries]*aggregate, len(aggs))
	o.mu.Unlock()

	o.sendMu.Lock()
	defer o.sendMu.Unlock()
	if len(aggs) > 0 {
		o.batch++
		body, err := json.Marshal(Batch{V: 1, Batch: o.batch, Series: toWire(aggs, o.cfg.KeepTags)})
		if err != nil {
			o.logger.WithError(err).Error("cannot encode a metrics batch")
		} else {
			o.queue = append(o.queue, body)
		}
	}
	for len(o.queue) > 0 {
		var err error
		for i := 0; i < attempts; i++ {
			if err = o.post(o.queue[0]); err == nil {
				break
			}
			if i+1 < attempts {
				time.Sleep(time.Duration(100*(i+1)) * time.Millisecond)
			}
		}
		if err != nil {
			o.logger.WithError(err).Warn("metrics batch not delivered yet")
			return len(o.queue)
		}
		o.queue = o.queue[1:]
	}
	return 0
}

func (o *Output) post(body []byte) error {
	resp, err := o.client.Post(o.cfg.URL, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}
