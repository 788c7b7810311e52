;; Products with a binary (spike) matrix X for tensor mode (learning/tensor/spike-matmul.ts), f32 SIMD.
;; X is given as its nonzero columns per row (CSR without values: idx[starts[r] .. starts[r+1])).
;; Row length `cols` is a multiple of 4; every pointer is a byte offset, 16-byte aligned for f32 data.
(module
  (memory (export "memory") 1)

  ;; out[r, :] = Σ_k W[idx[k], :] over row r's spikes (out = X·W), rows in order, spikes in order.
  (func (export "gather")
    (param $idx i32) (param $starts i32) (param $rows i32) (param $w i32) (param $out i32) (param $cols i32)
    (local $r i32) (local $k i32) (local $end i32) (local $j i32) (local $bytes i32) (local $dst i32) (local $src i32)
    (local.set $bytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $doneR
      (loop $rowsL
        (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $dst (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $bytes))))
        (memory.fill (local.get $dst) (i32.const 0) (local.get $bytes))
        (local.set $k (i32.load (i32.add (local.get $starts) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $starts) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
        (block $doneK
          (loop $spikes
            (br_if $doneK (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $src (i32.add (local.get $w)
              (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $bytes))))
            (local.set $j (i32.const 0))
            (block $doneJ
              (loop $lanes
                (br_if $doneJ (i32.ge_u (local.get $j) (local.get $bytes)))
                (v128.store (i32.add (local.get $dst) (local.get $j))
                  (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $j))) (v128.load (i32.add (local.get $src) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $lanes)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $spikes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsL)))
  )

  ;; dW[idx[k], :] += G[r, :] for every spike (r, idx[k]) (dW = Xᵀ·G); dW must be zeroed by the caller.
  (func (export "scatter")
    (param $idx i32) (param $starts i32) (param $rows i32) (param $g i32) (param $dw i32) (param $cols i32)
    (local $r i32) (local $k i32) (local $end i32) (local $j i32) (local $bytes i32) (local $dst i32) (local $src i32)
    (local.set $bytes (i32.shl (local.get $cols) (i32.const 2)))
    (block $doneR
      (loop $rowsL
        (br_if $doneR (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $src (i32.add (local.get $g) (i32.mul (local.get $r) (local.get $bytes))))
        (local.set $k (i32.load (i32.add (local.get $starts) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $starts) (i32.shl (i32.add (local.get $r) (i32.const 1)) (i32.const 2)))))
        (block $doneK
          (loop $spikes
            (br_if $doneK (i32.ge_u (local.get $k) (local.get $end)))
            (local.set $dst (i32.add (local.get $dw)
              (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $bytes))))
            (local.set $j (i32.const 0))
            (block $doneJ
              (loop $lanes
                (br_if $doneJ (i32.ge_u (local.get $j) (local.get $bytes)))
                (v128.store (i32.add (local.get $dst) (local.get $j))
                  (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $j))) (v128.load (i32.add (local.get $src) (local.get $j)))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $lanes)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $spikes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowsL)))
  )
)
