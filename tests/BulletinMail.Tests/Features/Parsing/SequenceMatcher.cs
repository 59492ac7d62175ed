namespace BulletinMail.Tests.Features.Parsing;

/// <summary>
/// Python's <c>difflib.SequenceMatcher(None, a, b, autojunk)</c> on two strings, ported line for line
/// so that <see cref="Ratio"/> gives Python's number: the elements are code points (as in a Python
/// <c>str</c>), b's index of positions drops "popular" elements when autojunk is on and b has 200 or
/// more of them (those occurring more than <c>1 + len(b) // 100</c> times), the longest match is
/// extended over equal elements on both ends afterwards, and matching blocks are found recursively
/// on either side of each longest match. No isjunk function: score.py passes none.
/// </summary>
internal sealed class SequenceMatcher
{
    private readonly int[] a;
    private readonly int[] b;
    private readonly Dictionary<int, List<int>> b2j = [];

    public SequenceMatcher(string a, string b, bool autoJunk = true)
    {
        this.a = CodePoints(a);
        this.b = CodePoints(b);
        for (var j = 0; j < this.b.Length; j++)
        {
            if (!b2j.TryGetValue(this.b[j], out var indices))
            {
                b2j[this.b[j]] = indices = [];
            }

            indices.Add(j);
        }

        var n = this.b.Length;
        if (autoJunk && n >= 200)
        {
            var ntest = (n / 100) + 1;
            foreach (var popular in b2j.Where(pair => pair.Value.Count > ntest).Select(pair => pair.Key).ToList())
            {
                b2j.Remove(popular);
            }
        }
    }

    /// <summary><c>2.0 * M / T</c>: M the elements in matching blocks, T both lengths; 1.0 for two empty strings.</summary>
    public double Ratio()
    {
        var matches = GetMatchingBlocks().Sum(block => block.Size);
        var length = a.Length + b.Length;
        return length == 0 ? 1.0 : 2.0 * matches / length;
    }

    /// <summary>The matching blocks in order, adjacent ones not yet merged (merging changes no sum), without the final dummy.</summary>
    public IReadOnlyList<(int I, int J, int Size)> GetMatchingBlocks()
    {
        var queue = new Stack<(int ALo, int AHi, int BLo, int BHi)>();
        queue.Push((0, a.Length, 0, b.Length));
        var blocks = new List<(int I, int J, int Size)>();
        while (queue.Count > 0)
        {
            var (alo, ahi, blo, bhi) = queue.Pop();
            var (i, j, k) = FindLongestMatch(alo, ahi, blo, bhi);
            if (k == 0)
            {
                continue;
            }

            blocks.Add((i, j, k));
            if (alo < i && blo < j)
            {
                queue.Push((alo, i, blo, j));
            }

            if (i + k < ahi && j + k < bhi)
            {
                queue.Push((i + k, ahi, j + k, bhi));
            }
        }

        blocks.Sort();
        return blocks;
    }

    /// <summary>
    /// The longest matching block in a[alo:ahi] and b[blo:bhi], earliest in a, then earliest in b, among
    /// the longest, as difflib's <c>find_longest_match</c>. With no junk function the block is then
    /// extended over equal elements on both ends, popular ones included.
    /// </summary>
    public (int I, int J, int Size) FindLongestMatch(int alo, int ahi, int blo, int bhi)
    {
        var (besti, bestj, bestsize) = (alo, blo, 0);
        var j2len = new Dictionary<int, int>();
        for (var i = alo; i < ahi; i++)
        {
            var newj2len = new Dictionary<int, int>();
            if (b2j.TryGetValue(a[i], out var indices))
            {
                foreach (var j in indices)
                {
                    if (j < blo)
                    {
                        continue;
                    }

                    if (j >= bhi)
                    {
                        break;
                    }

                    var k = newj2len[j] = j2len.GetValueOrDefault(j - 1) + 1;
                    if (k > bestsize)
                    {
                        (besti, bestj, bestsize) = (i - k + 1, j - k + 1, k);
                    }
                }
            }

            j2len = newj2len;
        }

        while (besti > alo && bestj > blo && a[besti - 1] == b[bestj - 1])
        {
            (besti, bestj, bestsize) = (besti - 1, bestj - 1, bestsize + 1);
        }

        while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] == b[bestj + bestsize])
        {
            bestsize++;
        }

        return (besti, bestj, bestsize);
    }

    /// <summary>The string's code points, as Python sees a <c>str</c>: a surrogate pair is one element, a lone surrogate another.</summary>
    private static int[] CodePoints(string text)
    {
        var points = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                points.Add(char.ConvertToUtf32(text[i], text[i + 1]));
                i++;
            }
            else
            {
                points.Add(text[i]);
            }
        }

        return [.. points];
    }
}
