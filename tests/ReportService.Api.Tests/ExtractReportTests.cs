using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ReportService.TestSupport;

namespace ReportService.Api.Tests;

/// <summary>POST /v1/reports/extract (issue 15): published text and pages back as data, through HTTP; nothing stored.</summary>
public sealed class ExtractReportTests(ServiceFactory factory) : IClassFixture<ServiceFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> ExtractAsync(string document, string mediaType, string query = "", HttpClient? client = null) =>
        (client ?? _client).PostAsync("/v1/reports/extract" + query, new StringContent(document, Encoding.UTF8, mediaType));

    [Theory]
    [InlineData("001")]
    [InlineData("004")]
    public async Task A_seeds_published_text_comes_back_as_its_transcription_with_the_source_of_every_number(string seed)
    {
        var expected = Seeds.Json(seed);
        var before = await factory.ScalarAsync<long>("SELECT count(*) FROM reports");
        var response = await ExtractAsync(Seeds.Text(seed), "text/plain", $"?creditCode={(string)expected["agency"]!["creditCode"]!}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.ReadObjectAsync();
        var draft = answer["report"]!.AsObject();

        // Every statutory table cell the person transcribed, the extractor read: same value.
        foreach (var table in new[] { "activeDisclosure", "requests", "appeals" })
        {
            Assert.True(JsonNode.DeepEquals(expected[table], draft[table]), $"{table}: {draft[table]?.ToJsonString()}");
        }

        Assert.Equal((string)expected["agency"]!["creditCode"]!, (string)draft["agency"]!["creditCode"]!);
        var cells = answer["cells"]!.AsArray();
        var read = cells.Where(c => (string)c!["status"]! == "read").ToList();
        Assert.NotEmpty(read);
        var text = Seeds.Text(seed);
        foreach (var cell in read)
        {
            // The source names exactly where the number was printed.
            var source = cell!["source"]!;
            Assert.Equal((string)source["text"]!, text.Substring((int)source["start"]!, (int)source["length"]!));
        }

        Assert.NotNull(answer["violations"]);
        Assert.Equal(before, await factory.ScalarAsync<long>("SELECT count(*) FROM reports"));
    }

    [Fact]
    public async Task A_published_web_page_is_read_with_its_table_row_and_cell()
    {
        var page = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Extraction", "d16_shanghai_office_2019.html"));
        var answer = await (await ExtractAsync(page, "text/html")).ReadObjectAsync();
        Assert.True((bool)answer["recognized"]!);
        Assert.Equal("2019", (string)answer["report"]!["format"]!);
        Assert.Contains(answer["cells"]!.AsArray(), c => c!["source"]?["html"]?["table"] is not null);
    }

    [Fact]
    public async Task A_published_pdf_is_read_with_the_page_and_position_of_every_number()
    {
        var pdf = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Extraction", "d16_shanghai_office_2019.pdf"));
        var response = await _client.PostAsync("/v1/reports/extract", Pdf(pdf));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await response.ReadObjectAsync();

        Assert.Equal("2019", (string)answer["report"]!["format"]!);
        Assert.Equal(13, (int)answer["report"]!["activeDisclosure"]!["regulations"]!["created"]!);
        var read = answer["cells"]!.AsArray().Where(c => (string)c!["status"]! == "read").ToList();
        Assert.NotEmpty(read);
        Assert.All(read, c => Assert.InRange((int)c!["source"]!["pdf"]!["page"]!, 1, 5));
    }

    [Theory]
    [InlineData("encrypted.pdf", "encrypted")]
    [InlineData("no-text.pdf", "noText")]
    [InlineData(null, "damaged")]
    public async Task A_pdf_that_cannot_be_read_is_a_problem_that_says_why(string? file, string reason)
    {
        var bytes = file is null ? "%PDF-1.7\n这不是一个PDF文件"u8.ToArray() : await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Extraction", file));
        var problem = await (await _client.PostAsync("/v1/reports/extract", Pdf(bytes))).AssertProblemAsync(422);
        Assert.Equal(reason, (string)problem["reason"]!);
        Assert.Contains("PDF", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pdf_over_the_size_limit_is_refused()
    {
        await (await _client.PostAsync("/v1/reports/extract", Pdf(new byte[8 * 1024 * 1024 + 1]))).AssertProblemAsync(413);
    }

    private static ByteArrayContent Pdf(byte[] bytes) => new(bytes)
    {
        Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf") },
    };

    [Theory]
    [InlineData("Lorem ipsum dolor sit amet. 天气晴朗。", "text/plain", 422)]
    [InlineData("{\"format\":\"2021\"}", "application/json", 415)]
    public async Task A_document_that_is_not_a_report_or_not_text_is_a_problem(string document, string mediaType, int status)
    {
        var problem = await (await ExtractAsync(document, mediaType)).AssertProblemAsync(status);
        Assert.NotNull(problem["traceId"]);
    }

    [Fact]
    public async Task Oversized_and_non_utf8_documents_are_refused()
    {
        await (await _client.PostAsync("/v1/reports/extract", new ByteArrayContent(new byte[8 * 1024 * 1024 + 1])
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") },
        })).AssertProblemAsync(413);
        await (await _client.PostAsync("/v1/reports/extract", new ByteArrayContent([0xC3, 0x28, 0xA0, 0xA1])
        {
            Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain") },
        })).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Extraction_needs_a_writer()
    {
        await (await ExtractAsync(Seeds.Text("001"), "text/plain", client: factory.CreateClient(token: null))).AssertProblemAsync(401);
        await (await ExtractAsync(Seeds.Text("001"), "text/plain", client: factory.CreateClient(ServiceFactory.Token(scopes: "reports:read")))).AssertProblemAsync(403);
    }
}
