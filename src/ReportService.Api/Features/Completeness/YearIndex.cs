using ReportService.Statutory.Model;
using ReportService.Statutory.Validation;

namespace ReportService.Api.Features.Completeness;

/// <summary>A cell's key and counts in the view asked for.</summary>
internal delegate void CellVisitor(CellKey key, int expected, int reported, int onTime, int bySubmission);

/// <summary>
/// The completeness of one year in this process (ADR 18): the stored reports' timeliness facts by exact region, the
/// agencies in force by region, each expected reporter's state and the cell counts at the four grains. Changed only
/// by <see cref="Apply"/> (under the write lock, by one refresh at a time); answers read it under the read lock.
/// </summary>
internal sealed class YearIndex : IDisposable
{
    private static readonly int[] Grains = [2, 4, 6, 9];

    private readonly int _year;
    private readonly ExpectedReporters _expected;
    private readonly ReaderWriterLockSlim _gate = new();
    private readonly Dictionary<string, ReportFact[]> _facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReportFact> _agencyReports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgencyEntry> _agencies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<AgencyEntry>> _agenciesByRegion = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _agencyRegions = new(StringComparer.Ordinal);
    private readonly ReporterWhen[] _governments;
    private readonly Dictionary<CellKey, CellCounts>[] _cells = [.. Grains.Select(_ => new Dictionary<CellKey, CellCounts>())];

    /// <summary>The feed's sync this index holds every write of (−1: not loaded); written only under <see cref="Refresh"/>.</summary>
    public long Sync = -1;

    /// <summary>One refresh at a time.</summary>
    public readonly SemaphoreSlim Refresh = new(1, 1);

    public YearIndex(int year, ExpectedReporters expected)
    {
        _year = year;
        _expected = expected;
        _governments = new ReporterWhen[expected.Governments.Count];
    }

    public void Dispose()
    {
        _gate.Dispose();
        Refresh.Dispose();
    }

    /// <summary>Replaces the regions read (or everything) and brings the states and counts of every reporter they concern up to date.</summary>
    public void Apply(Load load)
    {
        _gate.EnterWriteLock();
        try
        {
            if (load.Regions is null)
            {
                Rebuild(load);
            }
            else
            {
                Replace(load.Regions, load);
            }
        }
        finally
        {
            _gate.ExitWriteLock();
        }
    }

    private void Rebuild(Load load)
    {
        _facts.Clear();
        _agencyReports.Clear();
        _agencies.Clear();
        _agenciesByRegion.Clear();
        _agencyRegions.Clear();
        foreach (var cells in _cells)
        {
            cells.Clear();
        }

        Take(load);

        for (var i = 0; i < _governments.Length; i++)
        {
            _governments[i] = GovernmentWhen(_expected.Governments[i]);
            Count(_expected.Governments[i], _governments[i], 1);
        }

        foreach (var agency in _agencies.Values)
        {
            Count(agency, 1);
        }
    }

    private void Replace(HashSet<string> regions, Load load)
    {
        // Every reporter whose state or presence may change: the governments of these regions, the agencies
        // registered there before and after, and the agencies whose own report was or is stored there.
        var positions = regions.SelectMany(_expected.GovernmentPositions).ToList();
        var credits = new HashSet<string>(StringComparer.Ordinal);
        foreach (var region in regions)
        {
            if (_agenciesByRegion.TryGetValue(region, out var before))
            {
                credits.UnionWith(before.Select(a => a.CreditCode));
            }

            if (_facts.TryGetValue(region, out var facts))
            {
                credits.UnionWith(facts.Where(f => f.Scope == ReportScope.Agency).Select(f => f.CreditCode));
            }
        }

        credits.UnionWith(load.Agencies.Select(a => a.CreditCode));
        credits.UnionWith(load.Facts.Where(f => f.Scope == ReportScope.Agency).Select(f => f.CreditCode));

        foreach (var position in positions)
        {
            Count(_expected.Governments[position], _governments[position], -1);
        }

        foreach (var credit in credits)
        {
            if (_agencies.TryGetValue(credit, out var agency))
            {
                Count(agency, -1);
            }
        }

        foreach (var region in regions)
        {
            if (_facts.Remove(region, out var facts))
            {
                foreach (var fact in facts.Where(f => f.Scope == ReportScope.Agency))
                {
                    if (_agencyReports.TryGetValue(fact.CreditCode, out var held) && regions.Contains(held.RegionCode))
                    {
                        _agencyReports.Remove(fact.CreditCode);
                    }
                }
            }

            if (_agenciesByRegion.Remove(region, out var before))
            {
                _agencyRegions.Remove(region);
                foreach (var agency in before)
                {
                    _agencies.Remove(agency.CreditCode);
                }
            }
        }

        Take(load);

        foreach (var position in positions)
        {
            _governments[position] = GovernmentWhen(_expected.Governments[position]);
            Count(_expected.Governments[position], _governments[position], 1);
        }

        foreach (var credit in credits)
        {
            if (_agencies.TryGetValue(credit, out var agency))
            {
                Count(agency, 1);
            }
        }
    }

    /// <summary>Takes what a load read in: its reports by region and agency credit code, and its agencies.</summary>
    private void Take(Load load)
    {
        foreach (var group in load.Facts.GroupBy(f => f.RegionCode, StringComparer.Ordinal))
        {
            _facts[group.Key] = [.. group];
        }

        foreach (var fact in load.Facts.Where(f => f.Scope == ReportScope.Agency))
        {
            _agencyReports[fact.CreditCode] = fact;
        }

        foreach (var agency in load.Agencies)
        {
            AddAgency(agency);
        }
    }

    /// <summary>Adds an agency to the register held; one still held under another region (not reloaded) is moved.</summary>
    private void AddAgency(AgencyEntry agency)
    {
        if (_agencies.TryGetValue(agency.CreditCode, out var held) && _agenciesByRegion.TryGetValue(held.RegionCode, out var list))
        {
            list.RemoveAll(a => a.CreditCode == agency.CreditCode);
            if (list.Count == 0)
            {
                _agenciesByRegion.Remove(held.RegionCode);
                _agencyRegions.Remove(held.RegionCode);
            }
        }

        _agencies[agency.CreditCode] = agency;
        if (!_agenciesByRegion.TryGetValue(agency.RegionCode, out var inRegion))
        {
            _agenciesByRegion[agency.RegionCode] = inRegion = [];
            _agencyRegions.Add(agency.RegionCode);
        }

        var at = inRegion.FindIndex(a => string.CompareOrdinal(a.CreditCode, agency.CreditCode) > 0);
        inRegion.Insert(at < 0 ? inRegion.Count : at, agency);
    }

    /// <summary>A government's report: a region with several government reports of the scope (a misfiled kind) counts once, by its earliest.</summary>
    private ReporterWhen GovernmentWhen(ExpectedReporter government)
    {
        When? all = null, approved = null;
        if (_facts.TryGetValue(government.RegionCode, out var facts))
        {
            foreach (var fact in facts)
            {
                if (fact.Kind == AgencyKind.Government && fact.Scope == government.Scope)
                {
                    all = When.Earlier(all, fact.When);
                    if (fact.Approved)
                    {
                        approved = When.Earlier(approved, fact.When);
                    }
                }
            }
        }

        return new ReporterWhen(all, approved);
    }

    /// <summary>An agency's own report of the year, by credit code, wherever the report places the agency.</summary>
    private ReporterWhen AgencyWhen(string creditCode) =>
        _agencyReports.TryGetValue(creditCode, out var fact) ? new ReporterWhen(fact.When, fact.Approved ? fact.When : null) : default;

    private void Count(AgencyEntry agency, int sign) =>
        Count(agency.RegionCode, agency.Level, agency.Kind, ReportScope.Agency, AgencyWhen(agency.CreditCode), sign);

    private void Count(ExpectedReporter government, ReporterWhen when, int sign) =>
        Count(government.RegionCode, government.Level, government.Kind, government.Scope, when, sign);

    private void Count(string region, AgencyLevel level, AgencyKind kind, ReportScope scope, ReporterWhen when, int sign)
    {
        var deadline = Deadlines.For(level, kind, scope, _year);
        for (var g = 0; g < Grains.Length; g++)
        {
            var key = new CellKey(region.Length > Grains[g] ? region[..Grains[g]] : region, level, kind, scope);
            var cells = _cells[g];
            cells.TryGetValue(key, out var counts);
            counts.Expected += sign;
            if (when.All is { } all)
            {
                counts.Reported += sign;
                counts.OnTime += all.Date <= deadline ? sign : 0;
                counts.BySubmission += all.BySubmission ? sign : 0;
            }

            if (when.Approved is { } approved)
            {
                counts.ApprovedReported += sign;
                counts.ApprovedOnTime += approved.Date <= deadline ? sign : 0;
                counts.ApprovedBySubmission += approved.BySubmission ? sign : 0;
            }

            if (counts.Expected == 0)
            {
                cells.Remove(key);
            }
            else
            {
                cells[key] = counts;
            }
        }
    }

    /// <summary>
    /// The cells of <paramref name="grain"/> (2, 4, 6 or 9) that <paramref name="of"/> selects, with counts of its view,
    /// read under the read lock and handed to <paramref name="visit"/>.
    /// </summary>
    public void VisitCells(int grain, CompletenessScope of, CellVisitor visit)
    {
        _gate.EnterReadLock();
        try
        {
            foreach (var (key, counts) in _cells[Array.IndexOf(Grains, grain)])
            {
                if ((of.Prefix is null || key.Region.StartsWith(of.Prefix, StringComparison.Ordinal))
                    && (of.Scope is null || key.Scope == of.Scope) && (of.Level is null || key.Level == of.Level) && (of.Kind is null || key.Kind == of.Kind))
                {
                    if (of.ApprovedOnly)
                    {
                        visit(key, counts.Expected, counts.ApprovedReported, counts.ApprovedOnTime, counts.ApprovedBySubmission);
                    }
                    else
                    {
                        visit(key, counts.Expected, counts.Reported, counts.OnTime, counts.BySubmission);
                    }
                }
            }
        }
        finally
        {
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> reporters that <paramref name="of"/> selects and that have not reported (in its
    /// view), after <paramref name="after"/> (null: from the start), in list order (<see cref="ExpectedReporter.Compare"/>).
    /// </summary>
    public List<ExpectedReporter> Missing(CompletenessScope of, ExpectedReporter? after, int count)
    {
        var missing = new List<ExpectedReporter>(Math.Min(count, 1024));
        var prefix = of.Prefix ?? "";
        var from = after is not null && string.CompareOrdinal(after.RegionCode, prefix) > 0 ? after.RegionCode : prefix;
        _gate.EnterReadLock();
        try
        {
            using var governments = Governments(of, from, prefix).GetEnumerator();
            using var agencies = Agencies(of, from, prefix).GetEnumerator();
            var (hasGovernment, hasAgency) = (governments.MoveNext(), agencies.MoveNext());
            while (missing.Count < count && (hasGovernment || hasAgency))
            {
                ExpectedReporter next;
                if (hasGovernment && (!hasAgency || ExpectedReporter.Compare(governments.Current, agencies.Current) < 0))
                {
                    next = governments.Current;
                    hasGovernment = governments.MoveNext();
                }
                else
                {
                    next = agencies.Current;
                    hasAgency = agencies.MoveNext();
                }

                if (after is null || ExpectedReporter.Compare(next, after) > 0)
                {
                    missing.Add(next);
                }
            }
        }
        finally
        {
            _gate.ExitReadLock();
        }

        return missing;
    }

    /// <summary>The governments from region <paramref name="from"/> on that start with the prefix, match the filters and have not reported.</summary>
    private IEnumerable<ExpectedReporter> Governments(CompletenessScope of, string from, string prefix)
    {
        if (of.Kind is not (null or AgencyKind.Government))
        {
            yield break;
        }

        var list = _expected.Governments;
        for (var i = _expected.FirstGovernmentFrom(from); i < list.Count && list[i].RegionCode.StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            var government = list[i];
            if ((of.Scope is null || government.Scope == of.Scope) && (of.Level is null || government.Level == of.Level)
                && _governments[i].In(of.ApprovedOnly) is null)
            {
                yield return government;
            }
        }
    }

    /// <summary>The agencies in force registered from region <paramref name="from"/> on under the prefix, matching the filters, that have not reported.</summary>
    private IEnumerable<ExpectedReporter> Agencies(CompletenessScope of, string from, string prefix)
    {
        if (of.Kind is AgencyKind.Government || of.Scope is ReportScope.RegionAggregate || _agencyRegions.Count == 0)
        {
            yield break;
        }

        // Region codes are digits: every code under the prefix sorts below prefix + ":".
        var upper = prefix + ":";
        if (string.CompareOrdinal(from, upper) > 0)
        {
            yield break;
        }

        foreach (var region in _agencyRegions.GetViewBetween(from, upper))
        {
            if (!region.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var agency in _agenciesByRegion[region])
            {
                if ((of.Level is null || agency.Level == of.Level) && (of.Kind is null || agency.Kind == of.Kind)
                    && AgencyWhen(agency.CreditCode).In(of.ApprovedOnly) is null)
                {
                    yield return new ExpectedReporter(agency.RegionCode, agency.Name, agency.Level, agency.Kind, ReportScope.Agency, agency.CreditCode, agency.Source);
                }
            }
        }
    }
}
