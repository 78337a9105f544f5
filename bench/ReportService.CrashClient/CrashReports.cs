using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using ReportService.Statutory.Identity;
using ReportService.Statutory.Model;
using ReportService.TestSupport;

namespace ReportService.CrashClient;

/// <summary>One generated report: its identity (credit code, year, scope agency), its body and that body's SHA-256.</summary>
internal sealed record GeneratedReport(int Index, string CreditCode, int Year, string Format, string Region, byte[] Body, string ContentHash);

/// <summary>
/// Distinct, valid reports (ReportGenerator), deterministic for a seed and an index: townships in several
/// counties of 吕梁市 (1411), in 太原市, 北京市 and 苏州市, so that aggregates have several provinces, years and
/// counties; both formats (every fourth report is format 2019); each report has its own credit code, so no
/// two share an identity and none has a previous year (no cross-year rule applies).
/// </summary>
internal static class CrashReports
{
    public static readonly string[] Regions =
    [
        "141102001", "141121100", "141122100", "141123100", "141124100", "141181001",
        "140105001", "110101001", "110105001", "320508017",
    ];

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static GeneratedReport Make(int seed, int index, int codeBase)
    {
        var random = new Random(unchecked((seed * 1_000_003) + index));
        var region = Regions[index % Regions.Length];
        var format = index % 4 == 3 ? ReportFormats.Format2019 : ReportFormats.Format2021;
        var creditCode = CreditCodeFor(region[..6], codeBase + index);
        var json = ReportGenerator.Generate(random, format, null, creditCode, region);
        var body = JsonSerializer.SerializeToUtf8Bytes(json, Compact);
        return new GeneratedReport(index, creditCode, (int)json["year"]!, format, region, body,
            Convert.ToHexStringLower(SHA256.HashData(body)));
    }

    /// <summary>
    /// A valid credit code registered in <paramref name="county"/>, distinct for every <paramref name="n"/> below
    /// 6,250,000: the first of the organisation codes 16n … 16n+15 whose check character is not X (an X has no
    /// room in a credit code).
    /// </summary>
    public static string CreditCodeFor(string county, int n)
    {
        for (var k = 0; k < 16; k++)
        {
            var body = ((16L * n) + k).ToString("D8", CultureInfo.InvariantCulture);
            var check = CreditCode.OrganizationCheckCharacter(body);
            if (check != 'X')
            {
                var first17 = "11" + county + body + check;
                return first17 + CreditCode.CheckCharacterFor(first17);
            }
        }

        throw new InvalidOperationException($"no organisation code without an X check character for {n}");
    }
}
