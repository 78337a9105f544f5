using System.Text.Json.Nodes;
using ReportService.Api.Features.Regions;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;
using ReportService.Statutory.Rules;
using ReportService.Statutory.Tables;

namespace ReportService.Api.Features.Aggregates;

/// <summary>
/// Lays sums out in the report's own shape: table 3 in the 2021 rows (the 2019 single （六）其他处理 row counts
/// only in the otherDisposal subtotal), table 4 as is, table 2 per format and never across formats, plus the
/// derived subtotals of the outcome groups （三）–（六）.
/// </summary>
internal static class AggregateShape
{
    public static readonly IReadOnlyList<(OutcomeGroup Group, string Key, LocalizedText Label)> Subtotals =
    [
        (OutcomeGroup.Withheld, "withheld", new("（三）不予公开（小计）", "(3) withheld, subtotal")),
        (OutcomeGroup.UnableToProvide, "unableToProvide", new("（四）无法提供（小计）", "(4) unable to provide, subtotal")),
        (OutcomeGroup.NotProcessed, "notProcessed", new("（五）不予处理（小计）", "(5) not processed, subtotal")),
        (OutcomeGroup.OtherDisposal, "otherDisposal", new("（六）其他处理（小计）", "(6) other disposal, subtotal")),
    ];

    /// <summary>The leaf rows of both formats in each outcome group (distinct columns).</summary>
    internal static readonly Dictionary<OutcomeGroup, Table3Row[]> GroupRows = Subtotals.ToDictionary(
        s => s.Group,
        s => Table3.Rows2021.Concat(Table3.Rows2019).Where(r => r.Role == Table3RowRole.OutcomeLeaf && r.Group == s.Group).DistinctBy(r => r.Key).ToArray());

    private static readonly Dictionary<(string Format, string Pointer), string> Table2Columns = CellColumns.All
        .Where(c => c.Pointer.StartsWith("/activeDisclosure/", StringComparison.Ordinal))
        .ToDictionary(c => (c.Formats[0], c.Pointer), c => c.Name);

    public static long Cell(AggregateRow row, Table3Row table3Row, ApplicantColumn column) => (long)row.Sum(CellColumns.Table3Column(table3Row, column));

    public static long Subtotal(AggregateRow row, OutcomeGroup group, ApplicantColumn column) =>
        GroupRows[group].Sum(r => Cell(row, r, column));

    public static JsonObject Requests(AggregateRow row)
    {
        var root = new JsonObject();
        foreach (var table3Row in Table3.Rows2021)
        {
            Place(root, table3Row.Pointer["/requests/".Length..], Applicants(column => Cell(row, table3Row, column)));
        }

        return root;
    }

    public static JsonObject SubtotalsOf(AggregateRow row)
    {
        var subtotals = new JsonObject();
        foreach (var (group, key, _) in Subtotals)
        {
            subtotals[key] = Applicants(column => Subtotal(row, group, column));
        }

        return subtotals;
    }

    public static JsonObject Appeals(AggregateRow row)
    {
        var root = new JsonObject();
        foreach (var group in Table4.Groups)
        {
            var counts = new JsonObject();
            foreach (var field in Table4.Fields)
            {
                counts[field.Key] = (long)row.Sum(CellColumns.Table4Column(group, field));
            }

            root[group.Key] = counts;
        }

        return root;
    }

    /// <summary>Table 2 of each format present in the group, keyed by format.</summary>
    public static JsonObject ActiveDisclosure(AggregateRow row)
    {
        var root = new JsonObject();
        foreach (var (format, count) in new[] { (ReportFormats.Format2019, row.Reports2019), (ReportFormats.Format2021, row.Reports2021) })
        {
            if (count == 0)
            {
                continue;
            }

            var table = new JsonObject();
            foreach (var cell in Table2.CellsOf(format))
            {
                var sum = row.Sum(Table2Columns[(format, cell.Pointer)]);
                Place(table, cell.Pointer["/activeDisclosure/".Length..], cell.Kind == Table2CellKind.Amount ? JsonValue.Create(sum) : JsonValue.Create((long)sum));
            }

            root[format] = table;
        }

        return root;
    }

    public static decimal Table2Sum(AggregateRow row, string format, Table2Cell cell) => row.Sum(Table2Columns[(format, cell.Pointer)]);

    public static string Table2Column(string format, Table2Cell cell) => Table2Columns[(format, cell.Pointer)];

    private static JsonObject Applicants(Func<ApplicantColumn, long> value)
    {
        var counts = new JsonObject();
        foreach (var column in Table3.Columns)
        {
            counts[column.Key] = value(column);
        }

        return counts;
    }

    private static void Place(JsonObject root, string path, JsonNode? value)
    {
        var segments = path.Split('/');
        var parent = root;
        foreach (var segment in segments[..^1])
        {
            parent = (parent[segment] ??= new JsonObject()).AsObject();
        }

        parent[segments[^1]] = value;
    }

    /// <summary>The group key as the contract names it, with region names from the division reference.</summary>
    public static AggregateKey Key(AggregateRow row, RegionDirectory regions)
    {
        string? Code(Dimension d) => row.Key.TryGetValue(d, out var v) ? v as string : null;
        return new AggregateKey
        {
            Year = row.Key.TryGetValue(Dimension.Year, out var year) ? (int?)year : null,
            Province = Code(Dimension.Province),
            ProvinceName = regions.NameOf(Code(Dimension.Province)),
            City = Code(Dimension.City),
            CityName = regions.NameOf(Code(Dimension.City)),
            County = Code(Dimension.County),
            CountyName = regions.NameOf(Code(Dimension.County)),
            Township = Code(Dimension.Township),
            TownshipName = regions.NameOf(Code(Dimension.Township)),
            Level = Code(Dimension.Level),
            Kind = Code(Dimension.Kind),
        };
    }
}
