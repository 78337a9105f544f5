using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace ReportService.SeasonLoad;

/// <summary>The phase summaries as one line each (while running) and as the markdown tables of docs/benchmarks.md.</summary>
internal static class Tables
{
    public static string Line(JsonObject phase)
    {
        var reads = phase["reads"]!;
        var sql = phase["sql"]!;
        var text = new StringBuilder($"RESULT phase={phase["phase"]} load={phase["loadBefore"]!.ToString().Split(' ')[0]}->{phase["loadAfter"]!.ToString().Split(' ')[0]}");
        if ((int)reads["n"]! > 0)
        {
            text.Append($" read n={reads["n"]} p50={reads["p50"]} p90={reads["p90"]} p99={reads["p99"]} max={reads["max"]} slowest={Slowest(reads)} statuses={Statuses(reads)}");
        }

        if ((int)sql["n"]! > 0)
        {
            text.Append($" sql n={sql["n"]} p50={sql["p50"]} p99={sql["p99"]} max={sql["max"]} slowest={Slowest(sql)} statuses={Statuses(sql)}");
        }

        foreach (var stream in new[] { "side", "sqlSide" })
        {
            if ((int)phase[stream]!["n"]! > 0)
            {
                text.Append($" {stream} n={phase[stream]!["n"]} p50={phase[stream]!["p50"]} p99={phase[stream]!["p99"]} max={phase[stream]!["max"]} slowest={Slowest(phase[stream]!)} statuses={Statuses(phase[stream]!)}");
            }
        }

        foreach (var stream in new[] { "writes", "corrections", "attack" })
        {
            if ((int)phase[stream]!["n"]! > 0)
            {
                text.Append($" {stream} n={phase[stream]!["n"]} p50={phase[stream]!["p50"]} p99={phase[stream]!["p99"]} statuses={Statuses(phase[stream]!)}");
            }
        }

        var cpu = phase["cpu"]!;
        return text.Append($" cpu service={cpu["serviceSeconds"]}s postgres={cpu["postgresSeconds"]}s busy={cpu["machineBusy"]}").ToString();
    }

    public static string Render(string[] files)
    {
        var phases = files.Select(f => JsonNode.Parse(File.ReadAllText(f))!.AsObject()).ToList();
        var byName = phases.ToDictionary(p => p["phase"]!.ToString());
        var service = phases.Where(p => (int)p["reads"]!["n"]! > 0).ToList();
        var text = new StringBuilder();
        text.AppendLine("| Phase | Writes/s (+ corrections/s) | Processes | Load 1-min before → after | Reads answered (non-2xx) | Read p50 / p90 / p99 / max (ms) | Slowest question's p99 (ms) | Direct SQL p99 / slowest (ms) | Service ÷ SQL p99 | Completeness p50 / p99 (ms): service (SQL) | Write p50 / p99 (ms) (non-201) | CPU s per s: service / PostgreSQL (machine busy) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var p in service)
        {
            var name = p["phase"]!.ToString();
            var rates = p["rates"]!;
            var reads = p["reads"]!;
            var writes = p["writes"]!;
            var seconds = (double)p["seconds"]!;
            var cpu = p["cpu"]!;
            var sqlPhase = byName.GetValueOrDefault("sql-" + name);
            var sql = sqlPhase?["sql"];
            var rate = $"{rates["write"]}" + ((double)rates["correct"]! > 0 ? $" (+ {rates["correct"]})" : "") + ((double)rates["attack"]! > 0 ? $", attack {rates["attack"]}/s" : "");
            text.Append($"| {name} | {rate} | {p["replicas"]} | {Load(p["loadBefore"]!)} → {Load(p["loadAfter"]!)} | {reads["n"]} ({NonOk(reads)}) ")
                .Append($"| {reads["p50"]} / {reads["p90"]} / **{reads["p99"]}** / {reads["max"]} | {Slowest(reads)} ")
                .Append(sql is null ? "| – | – " : $"| {sql["p99"]} / {Slowest(sql)} | {Ratio((double)reads["p99"]!, (double)sql["p99"]!)} ")
                .Append(Side(p["side"]!, sqlPhase?["sqlSide"]))
                .Append((int)writes["n"]! > 0 ? $"| {writes["p50"]} / **{writes["p99"]}** ({NonOk(writes)}) " : "| – ")
                .AppendLine($"| {Per((double)cpu["serviceSeconds"]!, seconds)} / {Per((double?)cpu["postgresSeconds"] ?? 0, seconds)} ({Math.Round((double)cpu["machineBusy"]! * 100)} %) |");
        }

        text.AppendLine().AppendLine("Read p99 (ms) per question and phase (service; direct SQL in brackets where measured):").AppendLine();
        var questions = service.SelectMany(p => Per(p, "reads", "side").Select(q => q.Key)).Distinct().ToList();
        text.AppendLine("| Question | " + string.Join(" | ", service.Select(p => p["phase"]!.ToString())) + " |");
        text.AppendLine("|---|" + string.Concat(service.Select(_ => "---|")));
        foreach (var q in questions)
        {
            text.Append($"| {q} ");
            foreach (var p in service)
            {
                var mine = Per(p, "reads", "side").FirstOrDefault(x => x.Key == q).Value;
                var sqlPhase = byName.GetValueOrDefault("sql-" + p["phase"]);
                var theirs = sqlPhase is null ? null : Per(sqlPhase, "sql", "sqlSide").FirstOrDefault(x => x.Key == q).Value;
                text.Append($"| {mine?["p99"]}" + (theirs is null ? "" : $" ({theirs["p99"]})") + (mine is not null && NonOk(mine) != "0" ? $" [{NonOk(mine)} non-2xx]" : "") + " ");
            }

            text.AppendLine("|");
        }

        foreach (var p in phases.Where(p => (int)p["attack"]!["n"]! > 0))
        {
            var attack = p["attack"]!;
            text.AppendLine().AppendLine($"Attack in phase {p["phase"]}: {attack["n"]} distinct questions at {p["rates"]!["attack"]}/s from one anonymous client; answers by status {Statuses(attack)}; p50 {attack["p50"]} ms, p99 {attack["p99"]} ms.");
        }

        foreach (var p in phases.Where(p => (int)p["corrections"]!["n"]! > 0))
        {
            var c = p["corrections"]!;
            text.AppendLine().AppendLine($"Corrections in phase {p["phase"]}: {c["n"]} (by status {Statuses(c)}), p50 {c["p50"]} ms, p99 {c["p99"]} ms.");
        }

        return text.ToString();
    }

    /// <summary>The per-question figures of the mix and side streams of a phase together.</summary>
    private static IEnumerable<KeyValuePair<string, JsonNode?>> Per(JsonObject phase, string mix, string side) =>
        (phase[mix]?["per"]?.AsObject() ?? []).Concat(phase[side]?["per"]?.AsObject() ?? []);

    private static string Side(JsonNode mine, JsonNode? theirs) =>
        (int)mine["n"]! == 0 ? "| – " : $"| {mine["p50"]} / {mine["p99"]}" + (theirs is null || (int)theirs["n"]! == 0 ? "" : $" ({theirs["p50"]} / {theirs["p99"]})") +
            (NonOk(mine) != "0" ? $" [{NonOk(mine)} non-2xx]" : "") + " ";

    private static string Load(JsonNode load) => load.ToString().Split(' ')[0];

    private static string Per(double cpuSeconds, double seconds) => (cpuSeconds / seconds).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Ratio(double a, double b) => b == 0 ? "–" : (a / b).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Slowest(JsonNode stream) =>
        stream["per"]?.AsObject().OrderByDescending(q => (double)q.Value!["p99"]!).Select(q => $"{q.Value!["p99"]} ({q.Key})").FirstOrDefault() ?? "–";

    private static string Statuses(JsonNode stream) =>
        string.Join(",", stream["statuses"]!.AsObject().Select(s => $"{s.Key}:{s.Value}"));

    private static string NonOk(JsonNode stream) =>
        stream["statuses"]!.AsObject().Where(s => s.Key is not ("200" or "201")).Sum(s => (int)s.Value!).ToString(CultureInfo.InvariantCulture);
}
