;; Products with a binary (spike) matrix X for tensor mode (engine/tensor-kernels/spike-matmul.ts), f32 SIMD.
;; X is given as its nonzero columns per row (lists without values: idx[starts[r] .. starts[r+1])).
;; Both X·W and Xᵀ·G are this one operation, out[r, :] = Σ_k src[idx[k], :] over row r's list, the
;; latter with X's lists transposed (per input column, the rows where it fired; spike-raster.ts).
;; Row length `cols` is a multiple of 4; every pointer is a byte offset, 16-byte aligned for f32 data.
;;
;; Each output row is built in blocks of 32 floats held in eight v128 accumulators while the row's
;; list is walked (then 4-float blocks for the rest): the output is written once, never re-read.
;; Each output element is still summed in list order starting from 0, so the result does not
;; depend on the blocking.
(module
  ;; The memory is the caller's, so the input product and the LIF kernel can share their arrays
  ;; (fused-dense-lif.ts).
  (import "env" "memory" (memory 1))

  (func (export "gather")
    (param $idx i32) (param $starts i32) (param $rows i32) (param $src i32) (param $out i32) (param $cols i32)
    (local $r i32) (local $k i32) (local $beg i32) (local $end i32) (local $j i32) (local $bytes i32) (local $big i32)
    (local $dst i32) (local $p i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $bytes (i32.shl (local.get $cols) (i32.const 2)))
    ;; bytes covered by 32-float blocks
    (local.set $big (i32.and (local.get $bytes) (i32.const -128)))
    (block $doneR
      (loop $rowsL
        (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $bytes))))
        (local.set $beg (i32.load (i32.add (local.get $starts) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $starts) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
        (local.set $j (i32.const 0))
        (block $doneBig
          (loop $blocks
            (br_if $doneBig (i32.ge_u (local.get $j) (local.get $big)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $a4 (v128.const i32x4 0 0 0 0))
            (local.set $a5 (v128.const i32x4 0 0 0 0))
            (local.set $a6 (v128.const i32x4 0 0 0 0))
            (local.set $a7 (v128.const i32x4 0 0 0 0))
            (local.set $k (local.get $beg))
            (block $doneK
              (loop $spikes
                (br_if $doneK (i32.ge_u (local.get $k) (local.get $end)))
                (local.set $p (i32.add (i32.add (local.get $src) (local.get $j))
                  (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $bytes))))
                (local.set $a0 (f32x4.add (local.get $a0) (v128.load offset=0 (local.get $p))))
                (local.set $a1 (f32x4.add (local.get $a1) (v128.load offset=16 (local.get $p))))
                (local.set $a2 (f32x4.add (local.get $a2) (v128.load offset=32 (local.get $p))))
                (local.set $a3 (f32x4.add (local.get $a3) (v128.load offset=48 (local.get $p))))
                (local.set $a4 (f32x4.add (local.get $a4) (v128.load offset=64 (local.get $p))))
                (local.set $a5 (f32x4.add (local.get $a5) (v128.load offset=80 (local.get $p))))
                (local.set $a6 (f32x4.add (local.get $a6) (v128.load offset=96 (local.get $p))))
                (local.set $a7 (f32x4.add (local.get $a7) (v128.load offset=112 (local.get $p))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $spikes)))
            (local.set $p (i32.add (local.get $dst) (local.get $j)))
            (v128.store offset=0 (local.get $p) (local.get $a0))
            (v128.store offset=16 (local.get $p) (local.get $a1))
            (v128.store offset=32 (local.get $p) (local.get $a2))
            (v128.store offset=48 (local.get $p) (local.get $a3))
            (v128.store offset=64 (local.get $p) (local.get $a4))
            (v128.store offset=80 (local.get $p) (local.get $a5))
            (v128.store offset=96 (local.get $p) (local.get $a6))
            (v128.store offset=112 (local.get $p) (local.get $a7))
            (local.set $j (i32.add (local.get $j) (i32.const 128)))
            (br $blocks)))
        (block $doneSmall
          (loop $quads
            (br_if $doneSmall (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $k (local.get $beg))
            (block $doneK4
              (loop $spikes4
                (br_if $doneK4 (i32.ge_u (local.get $k) (local.get $end)))
                (local.set $a0 (f32x4.add (local.get $a0) (v128.load (i32.add (i32.add (local.get $src) (local.get $j))
                  (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $bytes))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $spikes4)))
            (v128.store (i32.add (local.get $dst) (local.get $j)) (local.get $a0))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $quads)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsL)))
  )
)
