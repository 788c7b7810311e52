;; LIF kernels in WebAssembly SIMD (f64x2) for float64 state: the current-based exact step, the
;; threshold, and the ring-slot delivery. Each computes exactly what the plain-JS loops in
;; models/lif-population.ts compute, in the same operation order and without fused multiply-add,
;; so JS and WASM give bit-identical state and spikes (engine/kernels/wasm-lif.test.ts).
;; All pointers are byte offsets into the imported memory (16-byte aligned by the arena).
;; Refractory test, as in JS: (step − lastSpike[i]) ≥ refSteps, computed in i64 (no overflow).
;; Compiled by scripts/build-wasm.mjs into lif-kernels.wasm.ts (base64); do not edit that file.
(module
  (import "env" "memory" (memory 1))
  ;; v = ge*kE + gi*kI + v*eM + c for non-refractory neurons; ge *= eE; gi *= eI
  (func (export "integrateCurrentExact")
    (param $n i32) (param $step i32) (param $ref i32)
    (param $pv i32) (param $pge i32) (param $pgi i32) (param $plast i32)
    (param $eM f64) (param $eE f64) (param $eI f64) (param $kE f64) (param $kI f64) (param $c f64)
    (local $i i32) (local $o i32) (local $n2 i32)
    (local $ge v128) (local $gi v128) (local $v v128) (local $nv v128) (local $m v128)
    (local $eM2 v128) (local $eE2 v128) (local $eI2 v128) (local $kE2 v128) (local $kI2 v128) (local $c2 v128)
    (local $step2 v128) (local $ref2 v128)
    (local.set $eM2 (f64x2.splat (local.get $eM)))
    (local.set $eE2 (f64x2.splat (local.get $eE)))
    (local.set $eI2 (f64x2.splat (local.get $eI)))
    (local.set $kE2 (f64x2.splat (local.get $kE)))
    (local.set $kI2 (f64x2.splat (local.get $kI)))
    (local.set $c2 (f64x2.splat (local.get $c)))
    (local.set $step2 (i64x2.splat (i64.extend_i32_s (local.get $step))))
    (local.set $ref2 (i64x2.splat (i64.extend_i32_s (local.get $ref))))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $ge (v128.load (i32.add (local.get $pge) (local.get $o))))
        (local.set $gi (v128.load (i32.add (local.get $pgi) (local.get $o))))
        (local.set $v (v128.load (i32.add (local.get $pv) (local.get $o))))
        (local.set $nv
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $ge) (local.get $kE2)) (f64x2.mul (local.get $gi) (local.get $kI2)))
              (f64x2.mul (local.get $v) (local.get $eM2)))
            (local.get $c2)))
        (local.set $m
          (i64x2.ge_s
            (i64x2.sub (local.get $step2)
              (v128.load32x2_s (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $ref2)))
        (v128.store (i32.add (local.get $pv) (local.get $o)) (v128.bitselect (local.get $nv) (local.get $v) (local.get $m)))
        (v128.store (i32.add (local.get $pge) (local.get $o)) (f64x2.mul (local.get $ge) (local.get $eE2)))
        (v128.store (i32.add (local.get $pgi) (local.get $o)) (f64x2.mul (local.get $gi) (local.get $eI2)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; odd tail: one scalar neuron
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (if (i64.ge_s
              (i64.sub (i64.extend_i32_s (local.get $step))
                       (i64.extend_i32_s (i32.load (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2))))))
              (i64.extend_i32_s (local.get $ref)))
          (then
            (f64.store (i32.add (local.get $pv) (local.get $o))
              (f64.add
                (f64.add
                  (f64.add
                    (f64.mul (f64.load (i32.add (local.get $pge) (local.get $o))) (local.get $kE))
                    (f64.mul (f64.load (i32.add (local.get $pgi) (local.get $o))) (local.get $kI)))
                  (f64.mul (f64.load (i32.add (local.get $pv) (local.get $o))) (local.get $eM)))
                (local.get $c)))))
        (f64.store (i32.add (local.get $pge) (local.get $o)) (f64.mul (f64.load (i32.add (local.get $pge) (local.get $o))) (local.get $eE)))
        (f64.store (i32.add (local.get $pgi) (local.get $o)) (f64.mul (f64.load (i32.add (local.get $pgi) (local.get $o))) (local.get $eI))))))

  ;; spikes: v > base + theta and not refractory → ids[count++] = i, last[i] = step; returns count
  (func (export "threshold")
    (param $n i32) (param $step i32) (param $ref i32)
    (param $pv i32) (param $pth i32) (param $plast i32) (param $pids i32) (param $base f64)
    (result i32)
    (local $i i32) (local $o i32) (local $n2 i32) (local $count i32) (local $m v128)
    (local $base2 v128) (local $step2 v128) (local $ref2 v128)
    (local.set $base2 (f64x2.splat (local.get $base)))
    (local.set $step2 (i64x2.splat (i64.extend_i32_s (local.get $step))))
    (local.set $ref2 (i64x2.splat (i64.extend_i32_s (local.get $ref))))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $m
          (v128.and
            (f64x2.gt (v128.load (i32.add (local.get $pv) (local.get $o)))
                      (f64x2.add (local.get $base2) (v128.load (i32.add (local.get $pth) (local.get $o)))))
            (i64x2.ge_s
              (i64x2.sub (local.get $step2)
                (v128.load32x2_s (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))))
              (local.get $ref2))))
        (if (v128.any_true (local.get $m))
          (then
            (if (i64.ne (i64x2.extract_lane 0 (local.get $m)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (i32.store (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2))) (local.get $step))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $m)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))
                (i32.store (i32.add (local.get $plast) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2))) (local.get $step))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (if (i32.and
              (f64.gt (f64.load (i32.add (local.get $pv) (local.get $o)))
                      (f64.add (local.get $base) (f64.load (i32.add (local.get $pth) (local.get $o)))))
              (i64.ge_s
                (i64.sub (i64.extend_i32_s (local.get $step))
                         (i64.extend_i32_s (i32.load (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2))))))
                (i64.extend_i32_s (local.get $ref))))
          (then
            (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))
            (i32.store (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2))) (local.get $step))))))
    (local.get $count))

  ;; target[i] += ring[i]; ring[i] = 0
  (func (export "addAndZero") (param $n i32) (param $pring i32) (param $pt i32)
    (local $i i32) (local $o i32) (local $n2 i32) (local $zero v128)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (v128.store (i32.add (local.get $pt) (local.get $o))
          (f64x2.add (v128.load (i32.add (local.get $pt) (local.get $o))) (v128.load (i32.add (local.get $pring) (local.get $o)))))
        (v128.store (i32.add (local.get $pring) (local.get $o)) (local.get $zero))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (f64.store (i32.add (local.get $pt) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $pt) (local.get $o))) (f64.load (i32.add (local.get $pring) (local.get $o)))))
        (f64.store (i32.add (local.get $pring) (local.get $o)) (f64.const 0)))))

  ;; integrateCurrentExact fused with the threshold test of the same step: also writes the ids of
  ;; the neurons that cross v > base + theta (non-refractory) to pids and returns their count.
  ;; lastSpike is NOT written: the caller commits the spikes in its threshold phase.
  (func (export "integrateCurrentExactThreshold")
    (param $n i32) (param $step i32) (param $ref i32)
    (param $pv i32) (param $pge i32) (param $pgi i32) (param $plast i32) (param $pth i32) (param $pids i32)
    (param $eM f64) (param $eE f64) (param $eI f64) (param $kE f64) (param $kI f64) (param $c f64) (param $base f64)
    (result i32)
    (local $i i32) (local $o i32) (local $n2 i32) (local $count i32)
    (local $ge v128) (local $gi v128) (local $v v128) (local $nv v128) (local $m v128) (local $s v128)
    (local $eM2 v128) (local $eE2 v128) (local $eI2 v128) (local $kE2 v128) (local $kI2 v128) (local $c2 v128)
    (local $base2 v128) (local $step2 v128) (local $ref2 v128) (local $x f64)
    (local $n4 i32)
    (local $geA v128) (local $giA v128) (local $vA v128) (local $nvA v128) (local $mA v128) (local $sA v128)
    (local $geB v128) (local $giB v128) (local $vB v128) (local $nvB v128) (local $mB v128) (local $sB v128)
    (local.set $eM2 (f64x2.splat (local.get $eM)))
    (local.set $eE2 (f64x2.splat (local.get $eE)))
    (local.set $eI2 (f64x2.splat (local.get $eI)))
    (local.set $kE2 (f64x2.splat (local.get $kE)))
    (local.set $kI2 (f64x2.splat (local.get $kI)))
    (local.set $c2 (f64x2.splat (local.get $c)))
    (local.set $base2 (f64x2.splat (local.get $base)))
    (local.set $step2 (i64x2.splat (i64.extend_i32_s (local.get $step))))
    (local.set $ref2 (i64x2.splat (i64.extend_i32_s (local.get $ref))))
    ;; four neurons per iteration (two f64x2 pairs, one spike test): fewer branches, more overlap
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))

        (local.set $geA (v128.load offset=0 (i32.add (local.get $pge) (local.get $o))))
        (local.set $giA (v128.load offset=0 (i32.add (local.get $pgi) (local.get $o))))
        (local.set $vA (v128.load offset=0 (i32.add (local.get $pv) (local.get $o))))
        (local.set $nvA
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $geA) (local.get $kE2)) (f64x2.mul (local.get $giA) (local.get $kI2)))
              (f64x2.mul (local.get $vA) (local.get $eM2)))
            (local.get $c2)))
        (local.set $mA
          (i64x2.ge_s
            (i64x2.sub (local.get $step2)
              (v128.load32x2_s offset=0 (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $ref2)))
        (v128.store offset=0 (i32.add (local.get $pv) (local.get $o)) (v128.bitselect (local.get $nvA) (local.get $vA) (local.get $mA)))
        (v128.store offset=0 (i32.add (local.get $pge) (local.get $o)) (f64x2.mul (local.get $geA) (local.get $eE2)))
        (v128.store offset=0 (i32.add (local.get $pgi) (local.get $o)) (f64x2.mul (local.get $giA) (local.get $eI2)))
        (local.set $sA
          (v128.and (local.get $mA)
            (f64x2.gt (local.get $nvA) (f64x2.add (local.get $base2) (v128.load offset=0 (i32.add (local.get $pth) (local.get $o)))))))

        (local.set $geB (v128.load offset=16 (i32.add (local.get $pge) (local.get $o))))
        (local.set $giB (v128.load offset=16 (i32.add (local.get $pgi) (local.get $o))))
        (local.set $vB (v128.load offset=16 (i32.add (local.get $pv) (local.get $o))))
        (local.set $nvB
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $geB) (local.get $kE2)) (f64x2.mul (local.get $giB) (local.get $kI2)))
              (f64x2.mul (local.get $vB) (local.get $eM2)))
            (local.get $c2)))
        (local.set $mB
          (i64x2.ge_s
            (i64x2.sub (local.get $step2)
              (v128.load32x2_s offset=8 (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $ref2)))
        (v128.store offset=16 (i32.add (local.get $pv) (local.get $o)) (v128.bitselect (local.get $nvB) (local.get $vB) (local.get $mB)))
        (v128.store offset=16 (i32.add (local.get $pge) (local.get $o)) (f64x2.mul (local.get $geB) (local.get $eE2)))
        (v128.store offset=16 (i32.add (local.get $pgi) (local.get $o)) (f64x2.mul (local.get $giB) (local.get $eI2)))
        (local.set $sB
          (v128.and (local.get $mB)
            (f64x2.gt (local.get $nvB) (f64x2.add (local.get $base2) (v128.load offset=16 (i32.add (local.get $pth) (local.get $o)))))))
        (if (v128.any_true (v128.or (local.get $sA) (local.get $sB)))
          (then

            (if (i64.ne (i64x2.extract_lane 0 (local.get $sA)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 0)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))

            (if (i64.ne (i64x2.extract_lane 1 (local.get $sA)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))

            (if (i64.ne (i64x2.extract_lane 0 (local.get $sB)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 2)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))

            (if (i64.ne (i64x2.extract_lane 1 (local.get $sB)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 3)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quads)))
    ;; then at most one pair and one single neuron
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $ge (v128.load (i32.add (local.get $pge) (local.get $o))))
        (local.set $gi (v128.load (i32.add (local.get $pgi) (local.get $o))))
        (local.set $v (v128.load (i32.add (local.get $pv) (local.get $o))))
        (local.set $nv
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $ge) (local.get $kE2)) (f64x2.mul (local.get $gi) (local.get $kI2)))
              (f64x2.mul (local.get $v) (local.get $eM2)))
            (local.get $c2)))
        (local.set $m
          (i64x2.ge_s
            (i64x2.sub (local.get $step2)
              (v128.load32x2_s (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $ref2)))
        (v128.store (i32.add (local.get $pv) (local.get $o)) (v128.bitselect (local.get $nv) (local.get $v) (local.get $m)))
        (v128.store (i32.add (local.get $pge) (local.get $o)) (f64x2.mul (local.get $ge) (local.get $eE2)))
        (v128.store (i32.add (local.get $pgi) (local.get $o)) (f64x2.mul (local.get $gi) (local.get $eI2)))
        (local.set $s
          (v128.and (local.get $m)
            (f64x2.gt (local.get $nv) (f64x2.add (local.get $base2) (v128.load (i32.add (local.get $pth) (local.get $o)))))))
        (if (v128.any_true (local.get $s))
          (then
            (if (i64.ne (i64x2.extract_lane 0 (local.get $s)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $s)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (if (i64.ge_s
              (i64.sub (i64.extend_i32_s (local.get $step))
                       (i64.extend_i32_s (i32.load (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2))))))
              (i64.extend_i32_s (local.get $ref)))
          (then
            (local.set $x
              (f64.add
                (f64.add
                  (f64.add
                    (f64.mul (f64.load (i32.add (local.get $pge) (local.get $o))) (local.get $kE))
                    (f64.mul (f64.load (i32.add (local.get $pgi) (local.get $o))) (local.get $kI)))
                  (f64.mul (f64.load (i32.add (local.get $pv) (local.get $o))) (local.get $eM)))
                (local.get $c)))
            (f64.store (i32.add (local.get $pv) (local.get $o)) (local.get $x))
            (if (f64.gt (local.get $x) (f64.add (local.get $base) (f64.load (i32.add (local.get $pth) (local.get $o)))))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
        (f64.store (i32.add (local.get $pge) (local.get $o)) (f64.mul (f64.load (i32.add (local.get $pge) (local.get $o))) (local.get $eE)))
        (f64.store (i32.add (local.get $pgi) (local.get $o)) (f64.mul (f64.load (i32.add (local.get $pgi) (local.get $o))) (local.get $eI)))))
    (local.get $count))

  ;; integrateCurrentExactThreshold for a population whose threshold is the same for every neuron
  ;; (θ fixed at 0: thetaPlus = thetaInit = 0), eight neurons per iteration. The refractory test
  ;; step − last ≥ ref is evaluated as last ≤ step − ref on four i32 lanes at once (the same integer
  ;; comparison, and step − ref cannot overflow since both are ≥ 0); the lane masks are widened to
  ;; the f64x2 pairs. Same operations, in the same order, as the JS loop: bit-identical state and
  ;; spikes. Spike ids go to pids (not committed; lastSpike is NOT written). Returns the count.
  ;; The seven f64 coefficients eM, eE, eI, kE, kI, c, base are read from memory at pk: a call with
  ;; integer arguments only costs less and allocates nothing on the JS side (no boxed doubles).
  (func (export "integrateCurrentExactThresholdFixed")
    (param $n i32) (param $step i32) (param $ref i32)
    (param $pv i32) (param $pge i32) (param $pgi i32) (param $plast i32) (param $pids i32) (param $pk i32)
    (result i32)
    (local $eM f64) (local $eE f64) (local $eI f64) (local $kE f64) (local $kI f64) (local $c f64) (local $base f64)
    (local $i i32) (local $o i32) (local $count i32) (local $n8 i32) (local $lim i32) (local $x f64)
    (local $eM2 v128) (local $eE2 v128) (local $eI2 v128) (local $kE2 v128) (local $kI2 v128) (local $c2 v128)
    (local $base2 v128) (local $lim4 v128) (local $q0 v128) (local $q1 v128)
    (local $m0 v128) (local $s0 v128) (local $ge0 v128) (local $gi0 v128) (local $v0 v128) (local $nv0 v128)
    (local $m1 v128) (local $s1 v128) (local $ge1 v128) (local $gi1 v128) (local $v1 v128) (local $nv1 v128)
    (local $m2 v128) (local $s2 v128) (local $ge2 v128) (local $gi2 v128) (local $v2 v128) (local $nv2 v128)
    (local $m3 v128) (local $s3 v128) (local $ge3 v128) (local $gi3 v128) (local $v3 v128) (local $nv3 v128)
    (local.set $eM (f64.load offset=0 (local.get $pk)))
    (local.set $eE (f64.load offset=8 (local.get $pk)))
    (local.set $eI (f64.load offset=16 (local.get $pk)))
    (local.set $kE (f64.load offset=24 (local.get $pk)))
    (local.set $kI (f64.load offset=32 (local.get $pk)))
    (local.set $c (f64.load offset=40 (local.get $pk)))
    (local.set $base (f64.load offset=48 (local.get $pk)))
    (local.set $eM2 (f64x2.splat (local.get $eM)))
    (local.set $eE2 (f64x2.splat (local.get $eE)))
    (local.set $eI2 (f64x2.splat (local.get $eI)))
    (local.set $kE2 (f64x2.splat (local.get $kE)))
    (local.set $kI2 (f64x2.splat (local.get $kI)))
    (local.set $c2 (f64x2.splat (local.get $c)))
    (local.set $base2 (f64x2.splat (local.get $base)))
    (local.set $lim (i32.sub (local.get $step) (local.get $ref)))
    (local.set $lim4 (i32x4.splat (local.get $lim)))
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (block $octsDone
      (loop $octs
        (br_if $octsDone (i32.ge_u (local.get $i) (local.get $n8)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $q0 (i32x4.le_s (v128.load offset=0 (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))) (local.get $lim4)))
        (local.set $q1 (i32x4.le_s (v128.load offset=16 (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))) (local.get $lim4)))
        (local.set $m0 (i64x2.extend_low_i32x4_s (local.get $q0)))
        (local.set $ge0 (v128.load offset=0 (i32.add (local.get $pge) (local.get $o))))
        (local.set $gi0 (v128.load offset=0 (i32.add (local.get $pgi) (local.get $o))))
        (local.set $v0 (v128.load offset=0 (i32.add (local.get $pv) (local.get $o))))
        (local.set $nv0
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $ge0) (local.get $kE2)) (f64x2.mul (local.get $gi0) (local.get $kI2)))
              (f64x2.mul (local.get $v0) (local.get $eM2)))
            (local.get $c2)))
        (v128.store offset=0 (i32.add (local.get $pv) (local.get $o)) (v128.bitselect (local.get $nv0) (local.get $v0) (local.get $m0)))
        (v128.store offset=0 (i32.add (local.get $pge) (local.get $o)) (f64x2.mul (local.get $ge0) (local.get $eE2)))
        (v128.store offset=0 (i32.add (local.get $pgi) (local.get $o)) (f64x2.mul (local.get $gi0) (local.get $eI2)))
        (local.set $s0 (v128.and (local.get $m0) (f64x2.gt (local.get $nv0) (local.get $base2))))
        (local.set $m1 (i64x2.extend_high_i32x4_s (local.get $q0)))
        (local.set $ge1 (v128.load offset=16 (i32.add (local.get $pge) (local.get $o))))
        (local.set $gi1 (v128.load offset=16 (i32.add (local.get $pgi) (local.get $o))))
        (local.set $v1 (v128.load offset=16 (i32.add (local.get $pv) (local.get $o))))
        (local.set $nv1
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $ge1) (local.get $kE2)) (f64x2.mul (local.get $gi1) (local.get $kI2)))
              (f64x2.mul (local.get $v1) (local.get $eM2)))
            (local.get $c2)))
        (v128.store offset=16 (i32.add (local.get $pv) (local.get $o)) (v128.bitselect (local.get $nv1) (local.get $v1) (local.get $m1)))
        (v128.store offset=16 (i32.add (local.get $pge) (local.get $o)) (f64x2.mul (local.get $ge1) (local.get $eE2)))
        (v128.store offset=16 (i32.add (local.get $pgi) (local.get $o)) (f64x2.mul (local.get $gi1) (local.get $eI2)))
        (local.set $s1 (v128.and (local.get $m1) (f64x2.gt (local.get $nv1) (local.get $base2))))
        (local.set $m2 (i64x2.extend_low_i32x4_s (local.get $q1)))
        (local.set $ge2 (v128.load offset=32 (i32.add (local.get $pge) (local.get $o))))
        (local.set $gi2 (v128.load offset=32 (i32.add (local.get $pgi) (local.get $o))))
        (local.set $v2 (v128.load offset=32 (i32.add (local.get $pv) (local.get $o))))
        (local.set $nv2
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $ge2) (local.get $kE2)) (f64x2.mul (local.get $gi2) (local.get $kI2)))
              (f64x2.mul (local.get $v2) (local.get $eM2)))
            (local.get $c2)))
        (v128.store offset=32 (i32.add (local.get $pv) (local.get $o)) (v128.bitselect (local.get $nv2) (local.get $v2) (local.get $m2)))
        (v128.store offset=32 (i32.add (local.get $pge) (local.get $o)) (f64x2.mul (local.get $ge2) (local.get $eE2)))
        (v128.store offset=32 (i32.add (local.get $pgi) (local.get $o)) (f64x2.mul (local.get $gi2) (local.get $eI2)))
        (local.set $s2 (v128.and (local.get $m2) (f64x2.gt (local.get $nv2) (local.get $base2))))
        (local.set $m3 (i64x2.extend_high_i32x4_s (local.get $q1)))
        (local.set $ge3 (v128.load offset=48 (i32.add (local.get $pge) (local.get $o))))
        (local.set $gi3 (v128.load offset=48 (i32.add (local.get $pgi) (local.get $o))))
        (local.set $v3 (v128.load offset=48 (i32.add (local.get $pv) (local.get $o))))
        (local.set $nv3
          (f64x2.add
            (f64x2.add
              (f64x2.add (f64x2.mul (local.get $ge3) (local.get $kE2)) (f64x2.mul (local.get $gi3) (local.get $kI2)))
              (f64x2.mul (local.get $v3) (local.get $eM2)))
            (local.get $c2)))
        (v128.store offset=48 (i32.add (local.get $pv) (local.get $o)) (v128.bitselect (local.get $nv3) (local.get $v3) (local.get $m3)))
        (v128.store offset=48 (i32.add (local.get $pge) (local.get $o)) (f64x2.mul (local.get $ge3) (local.get $eE2)))
        (v128.store offset=48 (i32.add (local.get $pgi) (local.get $o)) (f64x2.mul (local.get $gi3) (local.get $eI2)))
        (local.set $s3 (v128.and (local.get $m3) (f64x2.gt (local.get $nv3) (local.get $base2))))
        (if (v128.any_true (v128.or (v128.or (local.get $s0) (local.get $s1)) (v128.or (local.get $s2) (local.get $s3))))
          (then
            (if (i64.ne (i64x2.extract_lane 0 (local.get $s0)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 0)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $s0)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 0 (local.get $s1)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 2)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $s1)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 3)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 0 (local.get $s2)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 4)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $s2)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 5)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 0 (local.get $s3)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 6)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $s3)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 7)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
          ))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $octs)))
    ;; the last n mod 8 neurons, one at a time
    (block $done
      (loop $singles
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (if (i32.le_s (i32.load (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))) (local.get $lim))
          (then
            (local.set $x
              (f64.add
                (f64.add
                  (f64.add
                    (f64.mul (f64.load (i32.add (local.get $pge) (local.get $o))) (local.get $kE))
                    (f64.mul (f64.load (i32.add (local.get $pgi) (local.get $o))) (local.get $kI)))
                  (f64.mul (f64.load (i32.add (local.get $pv) (local.get $o))) (local.get $eM)))
                (local.get $c)))
            (f64.store (i32.add (local.get $pv) (local.get $o)) (local.get $x))
            (if (f64.gt (local.get $x) (local.get $base))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
        (f64.store (i32.add (local.get $pge) (local.get $o)) (f64.mul (f64.load (i32.add (local.get $pge) (local.get $o))) (local.get $eE)))
        (f64.store (i32.add (local.get $pgi) (local.get $o)) (f64.mul (f64.load (i32.add (local.get $pgi) (local.get $o))) (local.get $eI)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $singles)))
    (local.get $count))


  ;; ge[i] += ringE[i]; ringE[i] = 0; gi[i] += ringI[i]; ringI[i] = 0 (both channels in one pass)
  (func (export "addAndZero2") (param $n i32) (param $pre i32) (param $pge i32) (param $pri i32) (param $pgi i32)
    (local $i i32) (local $o i32) (local $n2 i32) (local $zero v128)
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (v128.store (i32.add (local.get $pge) (local.get $o))
          (f64x2.add (v128.load (i32.add (local.get $pge) (local.get $o))) (v128.load (i32.add (local.get $pre) (local.get $o)))))
        (v128.store (i32.add (local.get $pre) (local.get $o)) (local.get $zero))
        (v128.store (i32.add (local.get $pgi) (local.get $o))
          (f64x2.add (v128.load (i32.add (local.get $pgi) (local.get $o))) (v128.load (i32.add (local.get $pri) (local.get $o)))))
        (v128.store (i32.add (local.get $pri) (local.get $o)) (local.get $zero))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (f64.store (i32.add (local.get $pge) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $pge) (local.get $o))) (f64.load (i32.add (local.get $pre) (local.get $o)))))
        (f64.store (i32.add (local.get $pre) (local.get $o)) (f64.const 0))
        (f64.store (i32.add (local.get $pgi) (local.get $o))
          (f64.add (f64.load (i32.add (local.get $pgi) (local.get $o))) (f64.load (i32.add (local.get $pri) (local.get $o)))))
        (f64.store (i32.add (local.get $pri) (local.get $o)) (f64.const 0)))))

  ;; Conductance-based LIF, forward Euler (models/lif-population.ts integrateConductance, 'euler'),
  ;; fused with the vMin clamp, the θ decay and the threshold test of the same step. Per neuron, in
  ;; the JS order:
  ;;   v ← v + a·(((vLeak − v) + ge·(eExc − v)) + gi·(eInh − v))   unless refractory
  ;;   ge ← ge·eE, gi ← gi·eI, each flushed to 0 unless > 1e-30
  ;;   v ← vMin if v < vMin (every neuron; vMin = −∞ for none)
  ;;   θ ← θ·kθ (thetaMode 1) or θ − kθ·θ (thetaMode 2); unchanged (0)
  ;;   spike if not refractory and v > base + θ: id written to pids; returns the count.
  ;; lastSpike is NOT written: the caller commits the spikes in its threshold phase.
  (func (export "integrateCondEulerThreshold")
    (param $n i32) (param $step i32) (param $ref i32)
    (param $pv i32) (param $pge i32) (param $pgi i32) (param $plast i32) (param $pth i32) (param $pids i32)
    (param $a f64) (param $vLeak f64) (param $eExc f64) (param $eInh f64) (param $eE f64) (param $eI f64)
    (param $vMin f64) (param $thetaMode i32) (param $kT f64) (param $base f64)
    (result i32)
    (local $i i32) (local $o i32) (local $n2 i32) (local $count i32)
    (local $ge v128) (local $gi v128) (local $v v128) (local $nv v128) (local $m v128) (local $s v128) (local $th v128) (local $x v128)
    (local $a2 v128) (local $vLeak2 v128) (local $eExc2 v128) (local $eInh2 v128) (local $eE2 v128) (local $eI2 v128)
    (local $vMin2 v128) (local $kT2 v128) (local $base2 v128) (local $flush2 v128) (local $step2 v128) (local $ref2 v128)
    (local $sv f64) (local $sg f64) (local $sh f64) (local $st f64) (local $n4 i32)
    (local $geA v128) (local $giA v128) (local $vA v128) (local $nvA v128) (local $mA v128) (local $sA v128) (local $thA v128) (local $xA v128)
    (local $geB v128) (local $giB v128) (local $vB v128) (local $nvB v128) (local $mB v128) (local $sB v128) (local $thB v128) (local $xB v128)
    (local.set $a2 (f64x2.splat (local.get $a)))
    (local.set $vLeak2 (f64x2.splat (local.get $vLeak)))
    (local.set $eExc2 (f64x2.splat (local.get $eExc)))
    (local.set $eInh2 (f64x2.splat (local.get $eInh)))
    (local.set $eE2 (f64x2.splat (local.get $eE)))
    (local.set $eI2 (f64x2.splat (local.get $eI)))
    (local.set $vMin2 (f64x2.splat (local.get $vMin)))
    (local.set $kT2 (f64x2.splat (local.get $kT)))
    (local.set $base2 (f64x2.splat (local.get $base)))
    (local.set $flush2 (f64x2.splat (f64.const 1e-30)))
    (local.set $step2 (i64x2.splat (i64.extend_i32_s (local.get $step))))
    (local.set $ref2 (i64x2.splat (i64.extend_i32_s (local.get $ref))))
    ;; four neurons per iteration (two f64x2 pairs, one spike test), then at most one pair and one single
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $geA (v128.load offset=0 (i32.add (local.get $pge) (local.get $o))))
        (local.set $giA (v128.load offset=0 (i32.add (local.get $pgi) (local.get $o))))
        (local.set $vA (v128.load offset=0 (i32.add (local.get $pv) (local.get $o))))
        (local.set $nvA
          (f64x2.add (local.get $vA)
            (f64x2.mul (local.get $a2)
              (f64x2.add
                (f64x2.add
                  (f64x2.sub (local.get $vLeak2) (local.get $vA))
                  (f64x2.mul (local.get $geA) (f64x2.sub (local.get $eExc2) (local.get $vA))))
                (f64x2.mul (local.get $giA) (f64x2.sub (local.get $eInh2) (local.get $vA)))))))
        (local.set $mA
          (i64x2.ge_s
            (i64x2.sub (local.get $step2)
              (v128.load32x2_s offset=0 (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $ref2)))
        (local.set $nvA (v128.bitselect (local.get $nvA) (local.get $vA) (local.get $mA)))
        (local.set $nvA (v128.bitselect (local.get $vMin2) (local.get $nvA) (f64x2.lt (local.get $nvA) (local.get $vMin2))))
        (v128.store offset=0 (i32.add (local.get $pv) (local.get $o)) (local.get $nvA))
        (local.set $xA (f64x2.mul (local.get $geA) (local.get $eE2)))
        (v128.store offset=0 (i32.add (local.get $pge) (local.get $o)) (v128.and (local.get $xA) (f64x2.gt (local.get $xA) (local.get $flush2))))
        (local.set $xA (f64x2.mul (local.get $giA) (local.get $eI2)))
        (v128.store offset=0 (i32.add (local.get $pgi) (local.get $o)) (v128.and (local.get $xA) (f64x2.gt (local.get $xA) (local.get $flush2))))
        (local.set $thA (v128.load offset=0 (i32.add (local.get $pth) (local.get $o))))
        (if (i32.eq (local.get $thetaMode) (i32.const 1))
          (then
            (local.set $thA (f64x2.mul (local.get $thA) (local.get $kT2)))
            (v128.store offset=0 (i32.add (local.get $pth) (local.get $o)) (local.get $thA))))
        (if (i32.eq (local.get $thetaMode) (i32.const 2))
          (then
            (local.set $thA (f64x2.sub (local.get $thA) (f64x2.mul (local.get $kT2) (local.get $thA))))
            (v128.store offset=0 (i32.add (local.get $pth) (local.get $o)) (local.get $thA))))
        (local.set $sA (v128.and (local.get $mA) (f64x2.gt (local.get $nvA) (f64x2.add (local.get $base2) (local.get $thA)))))
        (local.set $geB (v128.load offset=16 (i32.add (local.get $pge) (local.get $o))))
        (local.set $giB (v128.load offset=16 (i32.add (local.get $pgi) (local.get $o))))
        (local.set $vB (v128.load offset=16 (i32.add (local.get $pv) (local.get $o))))
        (local.set $nvB
          (f64x2.add (local.get $vB)
            (f64x2.mul (local.get $a2)
              (f64x2.add
                (f64x2.add
                  (f64x2.sub (local.get $vLeak2) (local.get $vB))
                  (f64x2.mul (local.get $geB) (f64x2.sub (local.get $eExc2) (local.get $vB))))
                (f64x2.mul (local.get $giB) (f64x2.sub (local.get $eInh2) (local.get $vB)))))))
        (local.set $mB
          (i64x2.ge_s
            (i64x2.sub (local.get $step2)
              (v128.load32x2_s offset=8 (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $ref2)))
        (local.set $nvB (v128.bitselect (local.get $nvB) (local.get $vB) (local.get $mB)))
        (local.set $nvB (v128.bitselect (local.get $vMin2) (local.get $nvB) (f64x2.lt (local.get $nvB) (local.get $vMin2))))
        (v128.store offset=16 (i32.add (local.get $pv) (local.get $o)) (local.get $nvB))
        (local.set $xB (f64x2.mul (local.get $geB) (local.get $eE2)))
        (v128.store offset=16 (i32.add (local.get $pge) (local.get $o)) (v128.and (local.get $xB) (f64x2.gt (local.get $xB) (local.get $flush2))))
        (local.set $xB (f64x2.mul (local.get $giB) (local.get $eI2)))
        (v128.store offset=16 (i32.add (local.get $pgi) (local.get $o)) (v128.and (local.get $xB) (f64x2.gt (local.get $xB) (local.get $flush2))))
        (local.set $thB (v128.load offset=16 (i32.add (local.get $pth) (local.get $o))))
        (if (i32.eq (local.get $thetaMode) (i32.const 1))
          (then
            (local.set $thB (f64x2.mul (local.get $thB) (local.get $kT2)))
            (v128.store offset=16 (i32.add (local.get $pth) (local.get $o)) (local.get $thB))))
        (if (i32.eq (local.get $thetaMode) (i32.const 2))
          (then
            (local.set $thB (f64x2.sub (local.get $thB) (f64x2.mul (local.get $kT2) (local.get $thB))))
            (v128.store offset=16 (i32.add (local.get $pth) (local.get $o)) (local.get $thB))))
        (local.set $sB (v128.and (local.get $mB) (f64x2.gt (local.get $nvB) (f64x2.add (local.get $base2) (local.get $thB)))))
        (if (v128.any_true (v128.or (local.get $sA) (local.get $sB)))
          (then
            (if (i64.ne (i64x2.extract_lane 0 (local.get $sA)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 0)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $sA)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 0 (local.get $sB)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 2)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $sB)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 3)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quads)))
    (local.set $n2 (i32.and (local.get $n) (i32.const -2)))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $n2)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $ge (v128.load (i32.add (local.get $pge) (local.get $o))))
        (local.set $gi (v128.load (i32.add (local.get $pgi) (local.get $o))))
        (local.set $v (v128.load (i32.add (local.get $pv) (local.get $o))))
        (local.set $nv
          (f64x2.add (local.get $v)
            (f64x2.mul (local.get $a2)
              (f64x2.add
                (f64x2.add
                  (f64x2.sub (local.get $vLeak2) (local.get $v))
                  (f64x2.mul (local.get $ge) (f64x2.sub (local.get $eExc2) (local.get $v))))
                (f64x2.mul (local.get $gi) (f64x2.sub (local.get $eInh2) (local.get $v)))))))
        (local.set $m
          (i64x2.ge_s
            (i64x2.sub (local.get $step2)
              (v128.load32x2_s (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $ref2)))
        (local.set $nv (v128.bitselect (local.get $nv) (local.get $v) (local.get $m)))
        (local.set $nv (v128.bitselect (local.get $vMin2) (local.get $nv) (f64x2.lt (local.get $nv) (local.get $vMin2))))
        (v128.store (i32.add (local.get $pv) (local.get $o)) (local.get $nv))
        (local.set $x (f64x2.mul (local.get $ge) (local.get $eE2)))
        (v128.store (i32.add (local.get $pge) (local.get $o)) (v128.and (local.get $x) (f64x2.gt (local.get $x) (local.get $flush2))))
        (local.set $x (f64x2.mul (local.get $gi) (local.get $eI2)))
        (v128.store (i32.add (local.get $pgi) (local.get $o)) (v128.and (local.get $x) (f64x2.gt (local.get $x) (local.get $flush2))))
        (local.set $th (v128.load (i32.add (local.get $pth) (local.get $o))))
        (if (i32.eq (local.get $thetaMode) (i32.const 1))
          (then
            (local.set $th (f64x2.mul (local.get $th) (local.get $kT2)))
            (v128.store (i32.add (local.get $pth) (local.get $o)) (local.get $th))))
        (if (i32.eq (local.get $thetaMode) (i32.const 2))
          (then
            (local.set $th (f64x2.sub (local.get $th) (f64x2.mul (local.get $kT2) (local.get $th))))
            (v128.store (i32.add (local.get $pth) (local.get $o)) (local.get $th))))
        (local.set $s (v128.and (local.get $m) (f64x2.gt (local.get $nv) (f64x2.add (local.get $base2) (local.get $th)))))
        (if (v128.any_true (local.get $s))
          (then
            (if (i64.ne (i64x2.extract_lane 0 (local.get $s)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))
            (if (i64.ne (i64x2.extract_lane 1 (local.get $s)) (i64.const 0))
              (then
                (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (i32.add (local.get $i) (i32.const 1)))
                (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    ;; odd tail: one scalar neuron, same operations
    (if (i32.lt_u (local.get $i) (local.get $n))
      (then
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $sv (f64.load (i32.add (local.get $pv) (local.get $o))))
        (local.set $sg (f64.load (i32.add (local.get $pge) (local.get $o))))
        (local.set $sh (f64.load (i32.add (local.get $pgi) (local.get $o))))
        (if (i64.ge_s
              (i64.sub (i64.extend_i32_s (local.get $step))
                       (i64.extend_i32_s (i32.load (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2))))))
              (i64.extend_i32_s (local.get $ref)))
          (then
            (local.set $sv
              (f64.add (local.get $sv)
                (f64.mul (local.get $a)
                  (f64.add
                    (f64.add
                      (f64.sub (local.get $vLeak) (local.get $sv))
                      (f64.mul (local.get $sg) (f64.sub (local.get $eExc) (local.get $sv))))
                    (f64.mul (local.get $sh) (f64.sub (local.get $eInh) (local.get $sv)))))))))
        (if (f64.lt (local.get $sv) (local.get $vMin)) (then (local.set $sv (local.get $vMin))))
        (f64.store (i32.add (local.get $pv) (local.get $o)) (local.get $sv))
        (local.set $sg (f64.mul (local.get $sg) (local.get $eE)))
        (f64.store (i32.add (local.get $pge) (local.get $o)) (select (local.get $sg) (f64.const 0) (f64.gt (local.get $sg) (f64.const 1e-30))))
        (local.set $sh (f64.mul (local.get $sh) (local.get $eI)))
        (f64.store (i32.add (local.get $pgi) (local.get $o)) (select (local.get $sh) (f64.const 0) (f64.gt (local.get $sh) (f64.const 1e-30))))
        (local.set $st (f64.load (i32.add (local.get $pth) (local.get $o))))
        (if (i32.eq (local.get $thetaMode) (i32.const 1))
          (then (local.set $st (f64.mul (local.get $st) (local.get $kT)))
                (f64.store (i32.add (local.get $pth) (local.get $o)) (local.get $st))))
        (if (i32.eq (local.get $thetaMode) (i32.const 2))
          (then (local.set $st (f64.sub (local.get $st) (f64.mul (local.get $kT) (local.get $st))))
                (f64.store (i32.add (local.get $pth) (local.get $o)) (local.get $st))))
        (if (i32.and
              (i64.ge_s
                (i64.sub (i64.extend_i32_s (local.get $step))
                         (i64.extend_i32_s (i32.load (i32.add (local.get $plast) (i32.shl (local.get $i) (i32.const 2))))))
                (i64.extend_i32_s (local.get $ref)))
              (f64.gt (local.get $sv) (f64.add (local.get $base) (local.get $st))))
          (then
            (i32.store (i32.add (local.get $pids) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))))))
    (local.get $count))
)
