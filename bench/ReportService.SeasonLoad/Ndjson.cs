namespace ReportService.AggregateLoad;

/// <summary>NDJSON lines in a buffer, as the aggregate loader's DataSet makes them (the loader declares it beside its Main).</summary>
internal sealed record Ndjson(byte[] Body, int Length, int Lines);
