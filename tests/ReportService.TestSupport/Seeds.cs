using System.Text.Json.Nodes;

namespace ReportService.TestSupport;

/// <summary>The five published reports of shared/seeds, transcribed into report JSON (see Seeds/README.md).</summary>
public static class Seeds
{
    public static readonly IReadOnlyList<string> All = ["000", "001", "002", "003", "004"];

    public static byte[] Utf8(string seed)
    {
        using var stream = typeof(Seeds).Assembly.GetManifestResourceStream($"Seeds.{seed}.json")
            ?? throw new ArgumentException($"No seed fixture {seed}.", nameof(seed));
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The seed's published text (Seeds/NNN.txt), as the agency printed it.</summary>
    public static string Text(string seed)
    {
        using var stream = typeof(Seeds).Assembly.GetManifestResourceStream($"Seeds.{seed}.txt")
            ?? throw new ArgumentException($"No seed text {seed}.", nameof(seed));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static JsonObject Json(string seed) => JsonNode.Parse(Utf8(seed))!.AsObject();

    /// <summary>Seed 000 with its five blank reconsideration cells filled with zeros.</summary>
    public static JsonObject Seed000WithReconsiderationZeros()
    {
        var report = Json("000");
        report["appeals"]!["reconsideration"] = new JsonObject { ["upheld"] = 0, ["corrected"] = 0, ["other"] = 0, ["pending"] = 0, ["total"] = 0 };
        return report;
    }
}
