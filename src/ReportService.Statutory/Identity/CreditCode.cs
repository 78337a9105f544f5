namespace ReportService.Statutory.Identity;

/// <summary>What is wrong with a 统一社会信用代码.</summary>
public enum CreditCodeProblem
{
    /// <summary>The code is well formed.</summary>
    None,
    /// <summary>Not 18 characters.</summary>
    Length,
    /// <summary>A character outside <c>0-9 A-H J-N P-R T U W-Y</c>.</summary>
    Alphabet,
    /// <summary>Character 17, the check of the organisation code (GB 11714), is wrong.</summary>
    OrganizationCheck,
    /// <summary>Character 18, the check character (GB 32100), is wrong.</summary>
    CheckCharacter,
}

/// <summary>The unified social credit code (统一社会信用代码, GB 32100-2015).</summary>
public static class CreditCode
{
    /// <summary>The 31 characters a code may use (no I, O, Z, S, V).</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private static readonly int[] OrganizationWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    /// <summary>Checks length, alphabet and both check characters.</summary>
    public static CreditCodeProblem Check(string? code)
    {
        if (code is null || code.Length != 18)
        {
            return CreditCodeProblem.Length;
        }

        Span<int> values = stackalloc int[18];
        for (var i = 0; i < 18; i++)
        {
            var v = Alphabet.IndexOf(code[i], StringComparison.Ordinal);
            if (v < 0)
            {
                return CreditCodeProblem.Alphabet;
            }

            values[i] = v;
        }

        if (OrganizationCheckCharacter(code.AsSpan(8, 8)) != code[16])
        {
            return CreditCodeProblem.OrganizationCheck;
        }

        return CheckCharacter(values[..17]) == code[17] ? CreditCodeProblem.None : CreditCodeProblem.CheckCharacter;
    }

    /// <summary>Characters 3–8: the GB/T 2260 code of the registering authority's area.</summary>
    public static string RegionPart(string code) => code.Substring(2, 6);

    /// <summary>The check character (char 18) for the first 17 characters of a code.</summary>
    public static char CheckCharacterFor(string first17)
    {
        Span<int> values = stackalloc int[17];
        for (var i = 0; i < 17; i++)
        {
            values[i] = Alphabet.IndexOf(first17[i], StringComparison.Ordinal);
        }

        return CheckCharacter(values);
    }

    /// <summary>The GB 11714 check (char 17) for the 8-character organisation code body (chars 9–16).</summary>
    public static char OrganizationCheckCharacter(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var c = body[i];
            // GB 11714 values: digits as themselves, letters A–Z as 10–35.
            var v = c is >= '0' and <= '9' ? c - '0' : c - 'A' + 10;
            sum += v * OrganizationWeights[i];
        }

        var check = 11 - (sum % 11);
        return check switch
        {
            10 => 'X',
            11 => '0',
            _ => (char)('0' + check),
        };
    }

    private static char CheckCharacter(ReadOnlySpan<int> values)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += values[i] * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }
}
