;; Kernels for a plastic dense projection whose weights live in the same WebAssembly memory as the
;; input ring of its post-synaptic population (WasmLifKernels.allocExtra), f64x2 SIMD:
;;   potentiateRow — one arriving pre spike, whole row (models/kernels/arrival-walk.ts; sym-STDP's
;;                   update terms): the row is added into the ring slot (the weight from before the
;;                   update) and potentiated, w ← min(w + c·y, wMax), in one pass;
;;   addRow        — the same delivery without learning (frozen weights, evaluation): slot += row;
;;   scale         — synaptic scaling (learning/synaptic-scaling.ts apply): every column rescaled to
;;                   sum to `target`, a column summing to ≤ 0 left alone; the sums accumulate row by
;;                   row, as the JS loop does;
;;   arrive        — the arrivals of one step with per-synapse delays (below).
;; Same IEEE operations in the same order as the JS loops, no fused multiply-add: bit-identical.
;; Compiled by scripts/build-wasm.mjs into plastic-fanout.wasm.ts (base64); do not edit that file.
(module
  (import "env" "memory" (memory 1))
  (func (export "potentiateRow")
    (param $n i32) (param $pRow i32) (param $pSlot i32) (param $pY i32) (param $c f64) (param $wMax f64)
    (local $i i32) (local $o i32) (local $n2 i32) (local $w v128) (local $nw v128)
    (local $c2 v128) (local $wMax2 v128) (local $sw f64) (local $snw f64)
    (local.set $c2 (f64x2.splat (local.get $c)))
    (local.set $wMax2 (f64x2.splat (local.get $wMax)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $w (v128.load (i32.add (local.get $pRow) (local.get $o))))
        (v128.store (i32.add (local.get $pSlot) (local.get $o))
          (f64x2.add (v128.load (i32.add (local.get $pSlot) (local.get $o))) (local.get $w)))
        (local.set $nw (f64x2.add (local.get $w) (f64x2.mul (local.get $c2) (v128.load (i32.add (local.get $pY) (local.get $o))))))
        (v128.store (i32.add (local.get $pRow) (local.get $o))
          (v128.bitselect (local.get $nw) (local.get $wMax2) (f64x2.lt (local.get $nw) (local.get $wMax2))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $sw (f64.load (i32.add (local.get $pRow) (local.get $o))))
        (f64.store (i32.add (local.get $pSlot) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $pSlot) (local.get $o))) (local.get $sw)))
        (local.set $snw (f64.add (local.get $sw) (f64.mul (local.get $c) (f64.load (i32.add (local.get $pY) (local.get $o))))))
        (f64.store (i32.add (local.get $pRow) (local.get $o))
          (select (local.get $snw) (local.get $wMax) (f64.lt (local.get $snw) (local.get $wMax)))))))

  (func (export "addRow") (param $n i32) (param $pRow i32) (param $pSlot i32)
    (local $i i32) (local $o i32) (local $n2 i32)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (v128.store (i32.add (local.get $pSlot) (local.get $o))
          (f64x2.add (v128.load (i32.add (local.get $pSlot) (local.get $o))) (v128.load (i32.add (local.get $pRow) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (f64.store (i32.add (local.get $pSlot) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $pSlot) (local.get $o))) (f64.load (i32.add (local.get $pRow) (local.get $o))))))))

  (func (export "scale") (param $pW i32) (param $m i32) (param $n i32) (param $pS i32) (param $target f64)
    (local $j i32) (local $i i32) (local $row i32) (local $n2 i32) (local $a i32) (local $sa i32) (local $x f64)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (local.set $i (i32.const 0))
    (block $z (loop $zl
      (br_if $z (i32.ge_u (local.get $i) (local.get $n)))
      (f64.store (i32.add (local.get $pS) (i32.shl (local.get $i) (i32.const 3))) (f64.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $zl)))
    (local.set $j (i32.const 0))
    (block $je (loop $jl
      (br_if $je (i32.ge_u (local.get $j) (local.get $m)))
      (local.set $row (i32.add (local.get $pW) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
      (local.set $i (i32.const 0))
      (block $ie (loop $il
        (br_if $ie (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $sa (i32.add (local.get $pS) (i32.shl (local.get $i) (i32.const 3))))
        (v128.store (local.get $sa) (f64x2.add (v128.load (local.get $sa))
          (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $il)))
      (if (i32.lt_u (local.get $n2) (local.get $n)) (then
        (local.set $sa (i32.add (local.get $pS) (i32.shl (local.get $n2) (i32.const 3))))
        (f64.store (local.get $sa) (f64.add (f64.load (local.get $sa))
          (f64.load (i32.add (local.get $row) (i32.shl (local.get $n2) (i32.const 3))))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jl)))
    (local.set $i (i32.const 0))
    (block $fe (loop $fl
      (br_if $fe (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $sa (i32.add (local.get $pS) (i32.shl (local.get $i) (i32.const 3))))
      (local.set $x (f64.load (local.get $sa)))
      (f64.store (local.get $sa) (select (f64.div (local.get $target) (local.get $x)) (f64.const 1) (f64.gt (local.get $x) (f64.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fl)))
    (local.set $j (i32.const 0))
    (block $me (loop $ml
      (br_if $me (i32.ge_u (local.get $j) (local.get $m)))
      (local.set $row (i32.add (local.get $pW) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
      (local.set $i (i32.const 0))
      (block $ie2 (loop $il2
        (br_if $ie2 (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $a (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 3))))
        (v128.store (local.get $a) (f64x2.mul (v128.load (local.get $a))
          (v128.load (i32.add (local.get $pS) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $il2)))
      (if (i32.lt_u (local.get $n2) (local.get $n)) (then
        (local.set $a (i32.add (local.get $row) (i32.shl (local.get $n2) (i32.const 3))))
        (f64.store (local.get $a) (f64.mul (f64.load (local.get $a))
          (f64.load (i32.add (local.get $pS) (i32.shl (local.get $n2) (i32.const 3))))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $ml))))
;; Arrival kernel (models/kernels/arrival-walk.ts, per-synapse delays): for d = 0..G-1, the pre
;; spikes emitted at step - d (ring slot (step - d) mod G, checked against its stamp) reach their
;; synapses with delay d: acc[i] += w_ji (delivery into the post ring slot at pAcc, the weight before
;; the update), then w_ji = w_ji + c*trace[i], clipped at `bound` from below (upper = 0, e.g. pair
;; STDP's depression: c = -nu_pre*post1, bound 0) or from above (upper = 1, e.g. sym-STDP's
;; potentiation, bound wMax). Synapses of (j, d) are post[ptr[j*G + d] .. ptr[j*G + d + 1])
;; (u16 post indices), W row-major f64. Scalar: a gather/scatter by post index, which SIMD does not
;; help. Returns the number of synaptic events processed.
  (func (export "arrive")
    (param $step i32) (param $G i32) (param $m i32) (param $n i32)
    (param $pIds i32) (param $pCount i32) (param $pStamp i32)
    (param $pPtr i32) (param $pPost i32) (param $pW i32) (param $pTrace i32) (param $pAcc i32)
    (param $c f64) (param $bound f64) (param $upper i32) (result i32)
    (local $d i32) (local $sl i32) (local $k i32) (local $count i32) (local $hb i32)
    (local $j i32) (local $g i32) (local $q i32) (local $end i32) (local $i i32)
    (local $wrow i32) (local $wa i32) (local $aa i32) (local $wi f64) (local $nw f64) (local $events i32)
    (local.set $sl (i32.rem_u (local.get $step) (local.get $G)))
    (block $dend (loop $dloop
      (br_if $dend (i32.ge_u (local.get $d) (local.get $G)))
      (if (i32.eq (i32.load (i32.add (local.get $pStamp) (i32.shl (local.get $sl) (i32.const 2))))
                  (i32.sub (local.get $step) (local.get $d)))
        (then
          (local.set $count (i32.load (i32.add (local.get $pCount) (i32.shl (local.get $sl) (i32.const 2)))))
          (local.set $hb (i32.add (local.get $pIds) (i32.shl (i32.mul (local.get $sl) (local.get $m)) (i32.const 2))))
          (local.set $k (i32.const 0))
          (block $kend (loop $kloop
            (br_if $kend (i32.ge_u (local.get $k) (local.get $count)))
            (local.set $j (i32.load (i32.add (local.get $hb) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $g (i32.add (i32.mul (local.get $j) (local.get $G)) (local.get $d)))
            (local.set $q (i32.load (i32.add (local.get $pPtr) (i32.shl (local.get $g) (i32.const 2)))))
            (local.set $end (i32.load (i32.add (local.get $pPtr) (i32.shl (i32.add (local.get $g) (i32.const 1)) (i32.const 2)))))
            (local.set $events (i32.add (local.get $events) (i32.sub (local.get $end) (local.get $q))))
            (local.set $wrow (i32.add (local.get $pW) (i32.shl (i32.mul (local.get $j) (local.get $n)) (i32.const 3))))
            (block $qend (loop $qloop
              (br_if $qend (i32.ge_u (local.get $q) (local.get $end)))
              (local.set $i (i32.load16_u (i32.add (local.get $pPost) (i32.shl (local.get $q) (i32.const 1)))))
              (local.set $wa (i32.add (local.get $wrow) (i32.shl (local.get $i) (i32.const 3))))
              (local.set $wi (f64.load (local.get $wa)))
              (local.set $aa (i32.add (local.get $pAcc) (i32.shl (local.get $i) (i32.const 3))))
              (f64.store (local.get $aa) (f64.add (f64.load (local.get $aa)) (local.get $wi)))
              (local.set $nw (f64.add (local.get $wi)
                (f64.mul (local.get $c) (f64.load (i32.add (local.get $pTrace) (i32.shl (local.get $i) (i32.const 3)))))))
              (f64.store (local.get $wa) (select (local.get $nw) (local.get $bound)
                (select (f64.lt (local.get $nw) (local.get $bound)) (f64.gt (local.get $nw) (local.get $bound)) (local.get $upper))))
              (local.set $q (i32.add (local.get $q) (i32.const 1)))
              (br $qloop)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kloop)))))
      (local.set $sl (select (i32.sub (local.get $G) (i32.const 1)) (i32.sub (local.get $sl) (i32.const 1)) (i32.eqz (local.get $sl))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $dloop)))
    (local.get $events)))
