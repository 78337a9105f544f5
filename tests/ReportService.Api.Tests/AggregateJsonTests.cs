using System.Text.Json;
using ReportService.Api.Features.Aggregates;
using ReportService.Api.Features.Regions;
using ReportService.Api.Persistence;
using ReportService.Statutory.Json;

namespace ReportService.Api.Tests;

/// <summary>The direct JSON writer against the response type serialised with its JsonObject tables (the contract's shape).</summary>
public sealed class AggregateJsonTests
{
    private static readonly RegionDirectory Regions = RegionDirectory.Load();

    private static AggregateRow Row(Random random, Dimension[] groupBy)
    {
        var key = new Dictionary<Dimension, object?>();
        string[] townships = ["141122103", "654025107", "110101001", "999999999"];
        var township = townships[random.Next(townships.Length)];
        foreach (var dimension in groupBy)
        {
            key[dimension] = dimension switch
            {
                Dimension.Year => 2019 + random.Next(7),
                Dimension.Province => township[..2],
                Dimension.City => random.Next(4) == 0 ? null : township[..4],
                Dimension.County => random.Next(4) == 0 ? null : township[..6],
                Dimension.Township => random.Next(3) == 0 ? null : township,
                Dimension.Level => "township",
                _ => "government",
            };
        }

        var sums = new decimal[CellColumns.All.Count];
        for (var i = 0; i < sums.Length; i++)
        {
            sums[i] = CellColumns.All[i].Kind == CellColumnKind.Amount
                ? Math.Round((decimal)random.NextDouble() * 100_000m, random.Next(5))
                : random.Next(5) == 0 ? 0 : random.NextInt64(0, 10_000_000_000);
        }

        long r2019 = random.Next(3) == 0 ? 0 : random.Next(1, 500), r2021 = random.Next(3) == 0 ? 0 : random.Next(1, 500);
        return new AggregateRow(key, r2019 + r2021, r2019, r2021, sums);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_writer_writes_exactly_what_the_serialiser_wrote(int seed)
    {
        var options = ReportJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));
        var random = new Random(seed);
        Dimension[][] groupings = [[], [Dimension.Province], [Dimension.City, Dimension.Year], [Dimension.Township], [Dimension.Year, Dimension.County, Dimension.Level, Dimension.Kind]];
        foreach (var groupBy in groupings)
        {
            var rows = Enumerable.Range(0, random.Next(0, 6)).Select(_ => Row(random, groupBy)).ToList();
            var expected = JsonSerializer.SerializeToUtf8Bytes(new QueryAggregatesResponse
            {
                Groups = [.. rows.Select(row => new AggregateGroup
                {
                    Key = AggregateShape.Key(row, Regions),
                    ReportCount = row.ReportCount,
                    Formats = new AggregateFormatCounts { Format2019 = row.Reports2019, Format2021 = row.Reports2021 },
                    ActiveDisclosure = AggregateShape.ActiveDisclosure(row),
                    Requests = AggregateShape.Requests(row),
                    Subtotals = AggregateShape.SubtotalsOf(row),
                    Appeals = AggregateShape.Appeals(row),
                })],
            }, options);
            var written = AggregateJson.Aggregates(rows, Regions, options);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(written));
        }
    }
}
