namespace PostLoan.Domain.Risk;

/// <summary>Days-past-due bucket (逾期档位) of migration matrices and PD segments.</summary>
public enum DpdBucket
{
    /// <summary>M0: not overdue.</summary>
    Current = 0,
    /// <summary>M1: 1–30 days.</summary>
    Dpd1To30 = 1,
    /// <summary>M2: 31–60 days.</summary>
    Dpd31To60 = 2,
    /// <summary>M3: 61–90 days.</summary>
    Dpd61To90 = 3,
    /// <summary>M4+: more than 90 days (default for PD).</summary>
    Over90 = 4,
}

/// <summary>Bucketing rules shared by the matrices, the PD calibration and the ECL run.</summary>
public static class DpdBuckets
{
    /// <summary>Number of buckets; <see cref="DpdBucket.Over90"/> is the last.</summary>
    public const int Count = 5;

    /// <summary>The default state of the PD matrices.</summary>
    public const int Default = (int)DpdBucket.Over90;

    /// <summary>The bucket of a number of days past due.</summary>
    public static DpdBucket Of(int daysPastDue) => daysPastDue switch
    {
        <= 0 => DpdBucket.Current,
        <= 30 => DpdBucket.Dpd1To30,
        <= 60 => DpdBucket.Dpd31To60,
        <= 90 => DpdBucket.Dpd61To90,
        _ => DpdBucket.Over90,
    };

    /// <summary>The state for PD: default (the last bucket) when more than 90 days past due or non-performing.</summary>
    public static int PdState(int daysPastDue, FiveLevelCategory category) =>
        DelinquencyRules.IsNonPerforming(category) ? Default : (int)Of(daysPastDue);

    /// <summary>Short labels (M0…M4+) used in exports and the CLI.</summary>
    public static readonly IReadOnlyList<string> Labels = ["M0", "M1 1-30", "M2 31-60", "M3 61-90", "M4+ >90"];
}

/// <summary>
/// A square matrix of transition probabilities between states (row: from, column: to; rows sum to 1). Built from
/// counted transitions (cohort method); its powers give multi-period transitions, and with an absorbing default
/// state the cumulative probability of default by period.
/// </summary>
public sealed class TransitionMatrix
{
    private readonly double[] _p;

    private TransitionMatrix(int size, double[] p)
    {
        Size = size;
        _p = p;
    }

    public int Size { get; }

    public double this[int from, int to] => _p[from * Size + to];

    /// <summary>The identity matrix.</summary>
    public static TransitionMatrix Identity(int size)
    {
        var p = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            p[i * size + i] = 1d;
        }

        return new TransitionMatrix(size, p);
    }

    /// <summary>From explicit probabilities (each row must sum to 1 within 1e-9).</summary>
    public static TransitionMatrix FromRows(double[][] rows)
    {
        var size = rows.Length;
        var p = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            if (rows[i].Length != size || Math.Abs(rows[i].Sum() - 1d) > 1e-9)
            {
                throw new ArgumentException($"row {i} must have {size} probabilities summing to 1", nameof(rows));
            }

            rows[i].CopyTo(p, i * size);
        }

        return new TransitionMatrix(size, p);
    }

    /// <summary>
    /// From counts: each row divided by its total. A row without observations stays where it is (1 on the diagonal);
    /// rows listed in <paramref name="absorbing"/> are forced to stay (default is absorbing).
    /// </summary>
    public static TransitionMatrix FromCounts(long[,] counts, params int[] absorbing)
    {
        var size = counts.GetLength(0);
        var p = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            long total = 0;
            for (var j = 0; j < size; j++)
            {
                total += counts[i, j];
            }

            if (total == 0 || absorbing.Contains(i))
            {
                p[i * size + i] = 1d;
                continue;
            }

            for (var j = 0; j < size; j++)
            {
                p[i * size + j] = counts[i, j] / (double)total;
            }
        }

        return new TransitionMatrix(size, p);
    }

    /// <summary>This matrix times <paramref name="other"/>.</summary>
    public TransitionMatrix Multiply(TransitionMatrix other)
    {
        var n = Size;
        var r = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < n; k++)
            {
                var a = _p[i * n + k];
                if (a == 0d)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    r[i * n + j] += a * other._p[k * n + j];
                }
            }
        }

        return new TransitionMatrix(n, r);
    }

    /// <summary>The <paramref name="k"/>-th power (k-period transitions), by repeated squaring.</summary>
    public TransitionMatrix Power(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var result = Identity(Size);
        var square = this;
        while (k > 0)
        {
            if ((k & 1) == 1)
            {
                result = result.Multiply(square);
            }

            k >>= 1;
            if (k > 0)
            {
                square = square.Multiply(square);
            }
        }

        return result;
    }

    /// <summary>
    /// Cumulative probability of being in <paramref name="target"/> after 0…<paramref name="periods"/> periods, starting
    /// in <paramref name="from"/>: element t equals <c>Power(t)[from, target]</c> (the row vector is stepped once per period).
    /// </summary>
    public double[] Path(int from, int target, int periods)
    {
        var n = Size;
        var v = new double[n];
        var next = new double[n];
        v[from] = 1d;
        var result = new double[periods + 1];
        result[0] = v[target];
        for (var t = 1; t <= periods; t++)
        {
            Array.Clear(next);
            for (var i = 0; i < n; i++)
            {
                var a = v[i];
                if (a == 0d)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    next[j] += a * _p[i * n + j];
                }
            }

            (v, next) = (next, v);
            result[t] = v[target];
        }

        return result;
    }

    /// <summary>The rows, for display and storage.</summary>
    public double[][] Rows() => Enumerable.Range(0, Size).Select(i => _p.AsSpan(i * Size, Size).ToArray()).ToArray();
}
