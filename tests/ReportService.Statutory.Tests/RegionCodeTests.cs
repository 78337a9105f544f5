using ReportService.Statutory.Identity;

namespace ReportService.Statutory.Tests;

public sealed class RegionCodeTests
{
    [Theory]
    [InlineData("14", "14")]
    [InlineData("140000", "14")]
    [InlineData("1411", "1411")]
    [InlineData("141100", "1411")]
    [InlineData("141122", "141122")]
    [InlineData("141122103", "141122103")]
    public void Codes_are_normalised_to_their_statistical_form(string code, string normalized)
    {
        Assert.True(RegionCode.TryNormalize(code, out var result));
        Assert.Equal(normalized, result);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("141")]
    [InlineData("14112210")]
    [InlineData("14112210300")]
    [InlineData("14112A")]
    [InlineData("００")]
    [InlineData("000000")]
    public void Malformed_codes_are_refused(string code) =>
        Assert.False(RegionCode.TryNormalize(code, out _));
}
