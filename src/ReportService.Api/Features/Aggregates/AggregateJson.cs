using System.Buffers;
using System.Text.Json;
using ReportService.Api.Features.Regions;
using ReportService.Api.Persistence;
using ReportService.Statutory.Model;
using ReportService.Statutory.Tables;

namespace ReportService.Api.Features.Aggregates;

/// <summary>
/// Writes the <see cref="QueryAggregatesResponse"/> body straight from the sums with a <see cref="Utf8JsonWriter"/>,
/// byte for byte what serialising the response with its <c>JsonObject</c> tables gave (a test compares the two),
/// without building a tree of nodes per group. The nesting of each table is laid out once, from the same
/// pointers <see cref="AggregateShape"/> uses.
/// </summary>
internal static class AggregateJson
{
    /// <summary>An object's members in order, or a value: the sum of the columns, written as an integer or, for an amount, as the decimal.</summary>
    private sealed class Node
    {
        public List<(JsonEncodedText Name, Node Child)> Members { get; } = [];

        public int[]? Columns { get; init; }

        public bool Amount { get; init; }

        public Node Member(string name)
        {
            foreach (var (existing, child) in Members)
            {
                if (existing.Value == name)
                {
                    return child;
                }
            }

            var node = new Node();
            Members.Add((JsonEncodedText.Encode(name), node));
            return node;
        }

        /// <summary>Places a value at a '/'-separated path, as AggregateShape.Place does in a JsonObject.</summary>
        public void Place(string path, Node value)
        {
            var segments = path.Split('/');
            var parent = this;
            foreach (var segment in segments[..^1])
            {
                parent = parent.Member(segment);
            }

            var index = parent.Members.FindIndex(m => m.Name.Value == segments[^1]);
            if (index >= 0)
            {
                parent.Members[index] = (parent.Members[index].Name, value);
            }
            else
            {
                parent.Members.Add((JsonEncodedText.Encode(segments[^1]), value));
            }
        }
    }

    private static int Column(string name) => AggregateQuery.ColumnIndex[name];

    private static Node Applicants(Func<ApplicantColumn, int[]> columns)
    {
        var node = new Node();
        foreach (var column in Table3.Columns)
        {
            node.Members.Add((JsonEncodedText.Encode(column.Key), new Node { Columns = columns(column) }));
        }

        return node;
    }

    private static readonly Node Requests = BuildRequests();
    private static readonly Node Subtotals = BuildSubtotals();
    private static readonly Node Appeals = BuildAppeals();
    private static readonly Node Table2019 = BuildTable2(ReportFormats.Format2019);
    private static readonly Node Table2021 = BuildTable2(ReportFormats.Format2021);

    private static Node BuildRequests()
    {
        var root = new Node();
        foreach (var table3Row in Table3.Rows2021)
        {
            root.Place(table3Row.Pointer["/requests/".Length..], Applicants(column => [Column(CellColumns.Table3Column(table3Row, column))]));
        }

        return root;
    }

    private static Node BuildSubtotals()
    {
        var root = new Node();
        foreach (var (group, key, _) in AggregateShape.Subtotals)
        {
            root.Members.Add((JsonEncodedText.Encode(key), Applicants(column =>
                [.. AggregateShape.GroupRows[group].Select(r => Column(CellColumns.Table3Column(r, column)))])));
        }

        return root;
    }

    private static Node BuildAppeals()
    {
        var root = new Node();
        foreach (var group in Table4.Groups)
        {
            var counts = new Node();
            foreach (var field in Table4.Fields)
            {
                counts.Members.Add((JsonEncodedText.Encode(field.Key), new Node { Columns = [Column(CellColumns.Table4Column(group, field))] }));
            }

            root.Members.Add((JsonEncodedText.Encode(group.Key), counts));
        }

        return root;
    }

    private static Node BuildTable2(string format)
    {
        var table = new Node();
        foreach (var cell in Table2.CellsOf(format))
        {
            table.Place(cell.Pointer["/activeDisclosure/".Length..],
                new Node { Columns = [Column(AggregateShape.Table2Column(format, cell))], Amount = cell.Kind == Table2CellKind.Amount });
        }

        return table;
    }

    private static readonly JsonEncodedText GroupsName = JsonEncodedText.Encode("groups");
    private static readonly JsonEncodedText KeyName = JsonEncodedText.Encode("key");
    private static readonly JsonEncodedText ReportCountName = JsonEncodedText.Encode("reportCount");
    private static readonly JsonEncodedText FormatsName = JsonEncodedText.Encode("formats");
    private static readonly JsonEncodedText ActiveDisclosureName = JsonEncodedText.Encode("activeDisclosure");
    private static readonly JsonEncodedText RequestsName = JsonEncodedText.Encode("requests");
    private static readonly JsonEncodedText SubtotalsName = JsonEncodedText.Encode("subtotals");
    private static readonly JsonEncodedText AppealsName = JsonEncodedText.Encode("appeals");
    private static readonly JsonEncodedText Format2019Name = JsonEncodedText.Encode(ReportFormats.Format2019);
    private static readonly JsonEncodedText Format2021Name = JsonEncodedText.Encode(ReportFormats.Format2021);

    /// <summary>The body of GET /v1/aggregates as JSON.</summary>
    public static byte[] Aggregates(IReadOnlyList<AggregateRow> rows, RegionDirectory regions, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(Math.Max(256, rows.Count * 7_000));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented, SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(GroupsName);
            foreach (var row in rows)
            {
                writer.WriteStartObject();
                writer.WritePropertyName(KeyName);
                Key(writer, AggregateShape.Key(row, regions));
                writer.WriteNumber(ReportCountName, row.ReportCount);
                writer.WriteStartObject(FormatsName);
                writer.WriteNumber(Format2019Name, row.Reports2019);
                writer.WriteNumber(Format2021Name, row.Reports2021);
                writer.WriteEndObject();
                writer.WriteStartObject(ActiveDisclosureName);
                if (row.Reports2019 != 0)
                {
                    writer.WritePropertyName(Format2019Name);
                    Write(writer, Table2019, row.Sums);
                }

                if (row.Reports2021 != 0)
                {
                    writer.WritePropertyName(Format2021Name);
                    Write(writer, Table2021, row.Sums);
                }

                writer.WriteEndObject();
                writer.WritePropertyName(RequestsName);
                Write(writer, Requests, row.Sums);
                writer.WritePropertyName(SubtotalsName);
                Write(writer, Subtotals, row.Sums);
                writer.WritePropertyName(AppealsName);
                Write(writer, Appeals, row.Sums);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, Node node, decimal[] sums)
    {
        if (node.Columns is { } columns)
        {
            if (node.Amount)
            {
                writer.WriteNumberValue(sums[columns[0]]);
                return;
            }

            long total = 0;
            foreach (var column in columns)
            {
                total += (long)sums[column];
            }

            writer.WriteNumberValue(total);
            return;
        }

        writer.WriteStartObject();
        foreach (var (name, child) in node.Members)
        {
            writer.WritePropertyName(name);
            Write(writer, child, sums);
        }

        writer.WriteEndObject();
    }

    /// <summary>In the order of <see cref="AggregateKey"/>'s properties, leaving out the nulls as its attributes do.</summary>
    private static void Key(Utf8JsonWriter writer, AggregateKey key)
    {
        writer.WriteStartObject();
        if (key.Year is { } year)
        {
            writer.WriteNumber("year", year);
        }

        void Text(string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }

        Text("province", key.Province);
        Text("provinceName", key.ProvinceName);
        Text("city", key.City);
        Text("cityName", key.CityName);
        Text("county", key.County);
        Text("countyName", key.CountyName);
        Text("township", key.Township);
        Text("townshipName", key.TownshipName);
        Text("level", key.Level);
        Text("kind", key.Kind);
        writer.WriteEndObject();
    }
}
