using ReportService.Statutory.Identity;

namespace ReportService.Statutory.Tests;

public sealed class CreditCodeTests
{
    [Theory]
    [InlineData("11341702486344515H")]
    [InlineData("111411220123456716")]
    public void Worked_examples_of_the_standard_are_valid(string code) =>
        Assert.Equal(CreditCodeProblem.None, CreditCode.Check(code));

    [Theory]
    [InlineData("11341702486344515", CreditCodeProblem.Length)]
    [InlineData("11341702486344515HH", CreditCodeProblem.Length)]
    [InlineData("", CreditCodeProblem.Length)]
    [InlineData(null, CreditCodeProblem.Length)]
    [InlineData("11341702486344515I", CreditCodeProblem.Alphabet)]
    [InlineData("1134170248634451sH", CreditCodeProblem.Alphabet)]
    [InlineData("11341702486344516H", CreditCodeProblem.OrganizationCheck)]
    [InlineData("11341702486344515J", CreditCodeProblem.CheckCharacter)]
    public void Malformed_codes_are_named_by_their_problem(string? code, CreditCodeProblem problem) =>
        Assert.Equal(problem, CreditCode.Check(code));

    [Fact]
    public void Codes_of_institutions_starting_12_are_accepted()
    {
        var first17 = "12141122" + "01234567" + CreditCode.OrganizationCheckCharacter("01234567");
        Assert.Equal(CreditCodeProblem.None, CreditCode.Check(first17 + CreditCode.CheckCharacterFor(first17)));
    }

    [Fact]
    public void The_check_character_catches_every_single_character_substitution()
    {
        const string valid = "11341702486344515H";
        for (var i = 0; i < 18; i++)
        {
            foreach (var c in CreditCode.Alphabet)
            {
                if (c == valid[i])
                {
                    continue;
                }

                var changed = valid[..i] + c + valid[(i + 1)..];
                Assert.NotEqual(CreditCodeProblem.None, CreditCode.Check(changed));
            }
        }
    }
}
