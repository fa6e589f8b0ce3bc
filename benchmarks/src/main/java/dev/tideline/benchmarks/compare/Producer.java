package dev.tideline.benchmarks.compare;

/** The producers the comparison runs, in the order it alternates them. */
enum Producer {
  /** (a) Tideline's Tracker with the Kinesis sink. */
  TIDELINE("tideline", "Tideline `Tracker` + `KinesisSink`"),
  /** (b) The AWS KPL with aggregation on (its default). */
  KPL("kpl", "AWS KPL 0.15.12, aggregation on"),
  /** (c) AWS SDK v2 PutRecords with one record per call. */
  SDK_SINGLE("sdk-single", "AWS SDK v2 PutRecords, 1 record per call"),
  /** (d) AWS SDK v2 PutRecords with 500 records per call, not aggregated. */
  SDK_BATCH("sdk-batch500", "AWS SDK v2 PutRecords, 500 records per call");

  private final String id;
  private final String title;

  Producer(String id, String title) {
    this.id = id;
    this.title = title;
  }

  /** The name on the command line. */
  String id() {
    return id;
  }

  /** The name in the results table. */
  String title() {
    return title;
  }

  /** Whether the producer packs several events into one Kinesis record (KPL format). */
  boolean aggregates() {
    return this == TIDELINE || this == KPL;
  }

  static Producer of(String id) {
    for (Producer producer : values()) {
      if (producer.id.equals(id)) {
        return producer;
      }
    }
    throw new IllegalArgumentException(
        "unknown producer " + id + "; one of tideline, kpl, sdk-single, sdk-batch500");
  }
}
